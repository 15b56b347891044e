import {
  DEFAULT_RETRYABLE,
  RpcErrorCode,
  RpcReplyError,
  errorReply,
  okReply,
  reportSchema,
  rpcReplySchema,
  unwrapReply,
} from '@switchyard/contracts';
import { expectMalformed, issuePaths, roundTrip } from './decode-helpers.js';

const replySchema = rpcReplySchema(reportSchema);

describe('rpc replies', () => {
  it('wraps data in an ok reply that the schema accepts', () => {
    const reply = okReply({ accountId: 1, success: true });
    expect(roundTrip(replySchema, reply)).toEqual({
      ok: true,
      data: { accountId: 1, success: true },
    });
  });

  it('builds error replies with per-code retry defaults', () => {
    expect(errorReply('no_available_accounts', 'all busy')).toEqual({
      ok: false,
      error: { code: 'no_available_accounts', message: 'all busy', retryable: false },
    });
    expect(errorReply('unavailable', 'redis down').error.retryable).toBe(true);
    expect(errorReply('timeout', 'slow').error.retryable).toBe(true);
    expect(errorReply('internal', 'bug', true).error.retryable).toBe(true);
  });

  it('has a retry default for every error code', () => {
    for (const code of Object.values(RpcErrorCode)) {
      expect(typeof DEFAULT_RETRYABLE[code]).toBe('boolean');
    }
  });

  it('accepts every error code in an error reply', () => {
    for (const code of Object.values(RpcErrorCode)) {
      expect(roundTrip(replySchema, errorReply(code, 'x'))).toEqual(errorReply(code, 'x'));
    }
  });

  it.each([
    [
      'an unknown error code',
      { ok: false, error: { code: 'teapot', message: 'x', retryable: false } },
      'error.code',
    ],
    [
      'data that fails the data schema',
      { ok: true, data: { accountId: 'one', success: true } },
      'data.accountId',
    ],
    ['a missing ok flag', { data: { accountId: 1, success: true } }, 'ok'],
    [
      'an error without retry advice',
      { ok: false, error: { code: 'internal', message: 'x' } },
      'error.retryable',
    ],
  ])('rejects a reply with %s', (_label, message, path) => {
    expect(issuePaths(expectMalformed(replySchema, message))).toContain(path);
  });

  it('unwraps ok replies and throws a typed error for error replies', () => {
    expect(unwrapReply(okReply(42))).toBe(42);
    let caught: unknown;
    try {
      unwrapReply(errorReply('unavailable', 'redis down'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RpcReplyError);
    const error = caught as RpcReplyError;
    expect(error.name).toBe('RpcReplyError');
    expect(error.code).toBe('unavailable');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('redis down');
  });
});
