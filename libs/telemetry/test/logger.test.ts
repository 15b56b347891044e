import type { LogLevel } from '@switchyard/telemetry';
import { createLogger } from '@switchyard/telemetry';

const FIXED_TIME = new Date('2025-01-02T03:04:05.678Z');

function capture(level?: LogLevel) {
  const lines: string[] = [];
  const logger = createLogger({
    service: 'gateway',
    level,
    destination: { write: (line: string) => lines.push(line) },
    now: () => FIXED_TIME,
  });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, records };
}

describe('createLogger', () => {
  it('writes one JSON object per line with time, level, service, msg and the fields', () => {
    const { logger, lines } = capture();
    logger.info('request done', { requestId: 'r-1', status: 200 });
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith('\n')).toBe(true);
    expect(lines[0].trimEnd()).not.toContain('\n');
    expect(JSON.parse(lines[0])).toEqual({
      time: '2025-01-02T03:04:05.678Z',
      level: 'info',
      service: 'gateway',
      msg: 'request done',
      requestId: 'r-1',
      status: 200,
    });
  });

  it('drops records below its level and defaults to info', () => {
    const { logger, records } = capture();
    expect(logger.level).toBe('info');
    logger.debug('hidden');
    logger.info('shown');
    logger.warn('shown too');
    expect(records().map((r) => r.level)).toEqual(['info', 'warn']);
  });

  it('keeps only errors at level error and everything at level debug', () => {
    const quiet = capture('error');
    for (const level of ['debug', 'info', 'warn', 'error'] as const) quiet.logger[level](level);
    expect(quiet.records().map((r) => r.msg)).toEqual(['error']);
    expect(quiet.logger.isLevelEnabled('warn')).toBe(false);

    const loud = capture('debug');
    for (const level of ['debug', 'info', 'warn', 'error'] as const) loud.logger[level](level);
    expect(loud.records().map((r) => r.msg)).toEqual(['debug', 'info', 'warn', 'error']);
  });

  it('does not let a field overwrite time, level, service or msg', () => {
    const { logger, records } = capture();
    logger.info('real', { msg: 'spoofed', level: 'error', service: 'other', extra: 1 });
    expect(records()[0]).toMatchObject({
      msg: 'real',
      level: 'info',
      service: 'gateway',
      extra: 1,
    });
  });

  it('serialises errors as name, message, code, stack and cause', () => {
    const { logger, records } = capture();
    const cause = new Error('socket hang up');
    const error = Object.assign(new TypeError('upstream failed', { cause }), {
      code: 'upstream_error',
      requestOptions: { headers: { cookie: 'session=abc' } },
    });
    logger.error('relay failed', { err: error });
    const logged = records()[0].err as Record<string, unknown>;
    expect(logged).toMatchObject({
      name: 'TypeError',
      message: 'upstream failed',
      code: 'upstream_error',
      cause: { name: 'Error', message: 'socket hang up' },
    });
    expect(logged.stack).toEqual(expect.stringContaining('upstream failed'));
    expect(logged).not.toHaveProperty('requestOptions');
  });

  it('redacts secret fields at any depth, whatever their case or separator', () => {
    const { logger, lines, records } = capture();
    logger.info('upstream call', {
      headers: {
        Authorization: 'Bearer sk-live-1',
        'X-Api-Key': 'sk-live-2',
        'content-type': 'application/json',
      },
      account: {
        id: 42,
        credentials: { access_token: 'at-3', refresh_token: 'rt-4' },
        apiKey: 'sk-live-5',
      },
      attempts: [{ password: 'pw-6', status: 401 }],
      secret: 'shh-7',
      token: 'tok-8',
      credential: 'cred-9',
      api_key: 'sk-live-10',
      usage: { input_tokens: 12, output_tokens: 34 },
    });
    const text = lines.join('');
    for (const secret of ['sk-live', 'at-3', 'rt-4', 'pw-6', 'shh-7', 'tok-8', 'cred-9']) {
      expect(text).not.toContain(secret);
    }
    const record = records()[0];
    expect(record).toMatchObject({
      headers: {
        Authorization: '[redacted]',
        'X-Api-Key': '[redacted]',
        'content-type': 'application/json',
      },
      account: { id: 42, credentials: '[redacted]', apiKey: '[redacted]' },
      attempts: [{ password: '[redacted]', status: 401 }],
      secret: '[redacted]',
      token: '[redacted]',
      credential: '[redacted]',
      api_key: '[redacted]',
      // Token counts are not tokens.
      usage: { input_tokens: 12, output_tokens: 34 },
    });
  });

  it('redacts the password of a URL and never dumps raw bytes', () => {
    const { logger, records } = capture();
    logger.info('connecting', {
      target: new URL('postgres://app:s3cret@db:5432/app'),
      key: Buffer.alloc(32, 1),
    });
    const record = records()[0];
    expect(record.target).not.toContain('s3cret');
    expect(record.key).toBe('[32 bytes]');
  });

  it('survives cycles and bigints', () => {
    const { logger, records } = capture();
    const node: Record<string, unknown> = { name: 'a' };
    node.self = node;
    logger.info('odd values', { node, big: 10n ** 20n });
    expect(records()[0]).toMatchObject({
      node: { name: 'a', self: '[circular]' },
      big: '100000000000000000000',
    });
  });

  it('adds the fields of a child logger to every record, nesting and overriding', () => {
    const { logger, records } = capture();
    const request = logger.child({ requestId: 'r-9', platform: 'openai' });
    const attempt = request.child({ attempt: 2, platform: 'gemini' });
    attempt.info('switching account', { accountId: 7 });
    request.info('done');
    logger.info('unrelated');
    const [first, second, third] = records();
    expect(first).toMatchObject({ requestId: 'r-9', platform: 'gemini', attempt: 2, accountId: 7 });
    expect(second).toMatchObject({ requestId: 'r-9', platform: 'openai' });
    expect(second).not.toHaveProperty('attempt');
    expect(third).not.toHaveProperty('requestId');
  });

  it('redacts secrets bound to a child logger', () => {
    const { logger, lines } = capture();
    logger.child({ token: 'bound-secret' }).info('hello');
    expect(lines[0]).not.toContain('bound-secret');
  });

  it('keeps the level of its parent', () => {
    const { logger, records } = capture('warn');
    const child = logger.child({ component: 'relay' });
    expect(child.level).toBe('warn');
    child.info('dropped');
    child.warn('kept');
    expect(records().map((r) => r.msg)).toEqual(['kept']);
  });
});
