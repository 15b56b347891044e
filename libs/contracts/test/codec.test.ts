import {
  MalformedMessageError,
  decodeMessage,
  encodeMessage,
  reportSchema,
  selectRequestSchema,
  validateMessage,
} from '@switchyard/contracts';
import { expectMalformed, issuePaths } from './decode-helpers.js';

describe('decodeMessage', () => {
  it('decodes UTF-8 bytes and strings alike', () => {
    const text = '{"accountId":3,"success":true}';
    expect(decodeMessage(reportSchema, text)).toEqual({ accountId: 3, success: true });
    expect(decodeMessage(reportSchema, new TextEncoder().encode(text))).toEqual({
      accountId: 3,
      success: true,
    });
  });

  it.each(['', 'not json', '{"accountId":3,', 'undefined'])(
    'rejects %p as malformed JSON, keeping the parser error as cause',
    (text) => {
      let caught: unknown;
      try {
        decodeMessage(reportSchema, text);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(MalformedMessageError);
      const error = caught as MalformedMessageError;
      expect(error.name).toBe('MalformedMessageError');
      expect(error.code).toBe('malformed_message');
      expect(error.retryable).toBe(false);
      expect(error.cause).toBeInstanceOf(SyntaxError);
      expect(error.issues[0]?.code).toBe('invalid_json');
    },
  );

  it('rejects bytes that are not UTF-8', () => {
    expect(() => decodeMessage(reportSchema, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))).toThrow(
      MalformedMessageError,
    );
  });

  it('lists the path of every field that failed the schema', () => {
    const error = expectMalformed(reportSchema, { accountId: 'three', success: 'yes' });
    expect(issuePaths(error).sort()).toEqual(['accountId', 'success']);
    expect(error.message).toContain('accountId');
    expect(error.cause).toBeDefined();
  });

  it('rejects valid JSON that is not an object', () => {
    expect(issuePaths(expectMalformed(reportSchema, [1, 2]))).toEqual(['']);
    expect(() => decodeMessage(reportSchema, 'null')).toThrow(MalformedMessageError);
  });

  it('drops unknown fields', () => {
    expect(decodeMessage(reportSchema, '{"accountId":1,"success":false,"extra":1}')).toEqual({
      accountId: 1,
      success: false,
    });
  });
});

describe('encodeMessage', () => {
  it('round-trips through decodeMessage', () => {
    const report = { accountId: 9, success: true, firstTokenMs: 120.5, statusCode: 200 };
    expect(decodeMessage(reportSchema, encodeMessage(report))).toEqual(report);
  });

  it('applies schema defaults when given the schema', () => {
    const bytes = encodeMessage(
      { requestId: 'r-1', groupId: 0, platform: 'openai' },
      selectRequestSchema,
    );
    expect(JSON.parse(new TextDecoder().decode(bytes))).toMatchObject({ excludedAccountIds: [] });
  });

  it('refuses to send a value that does not match the schema', () => {
    expect(() => encodeMessage({ accountId: -1, success: true }, reportSchema)).toThrow(
      MalformedMessageError,
    );
  });
});

describe('validateMessage', () => {
  it('validates an already-parsed value', () => {
    expect(validateMessage(reportSchema, { accountId: 2, success: true })).toEqual({
      accountId: 2,
      success: true,
    });
    expect(() => validateMessage(reportSchema, { accountId: 2 })).toThrow(MalformedMessageError);
  });
});
