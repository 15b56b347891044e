/**
 * Errors raised by the Redis helpers themselves (not by the server: ioredis surfaces those as
 * its own `ReplyError`). Each carries a stable `code` and whether retrying can help.
 */
export class RedisHelperError extends Error {
  readonly code: string;
  readonly retryable: boolean;

  constructor(message: string, code: string, retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedisHelperError';
    this.code = code;
    this.retryable = retryable;
  }
}

/** A key part would break the key layout (empty, or a brace that would corrupt the hash tag). */
export class InvalidKeyPartError extends RedisHelperError {
  constructor(part: string) {
    super(`invalid Redis key part ${JSON.stringify(part)}`, 'invalid_key_part', false);
    this.name = 'InvalidKeyPartError';
  }
}

/** A script or command answered with a shape the helper does not expect (version skew, bug). */
export class UnexpectedReplyError extends RedisHelperError {
  readonly reply: unknown;

  constructor(what: string, reply: unknown) {
    super(`unexpected reply from ${what}: ${JSON.stringify(reply)}`, 'unexpected_reply', false);
    this.name = 'UnexpectedReplyError';
    this.reply = reply;
  }
}

/** A script was called with the wrong number of keys or arguments. */
export class ScriptArgumentError extends RedisHelperError {
  constructor(message: string) {
    super(message, 'script_arguments', false);
    this.name = 'ScriptArgumentError';
  }
}
