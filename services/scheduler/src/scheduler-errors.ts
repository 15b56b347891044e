import { RpcErrorCode } from '@switchyard/contracts';

/**
 * Errors the select handler answers with. `serve` (libs/bus) sends `code` and `retryable` back
 * to the caller; anything thrown without them is answered as `internal`.
 */
export class SchedulerError extends Error {
  readonly code: RpcErrorCode;
  readonly retryable: boolean;

  constructor(
    message: string,
    code: RpcErrorCode,
    retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SchedulerError';
    this.code = code;
    this.retryable = retryable;
  }
}

/**
 * No account can take the request. Retryable when every eligible account is busy and its queue
 * full (that passes); not when nothing in the bucket can serve it (excluded, limited, wrong model).
 */
export class NoAvailableAccountsError extends SchedulerError {
  readonly reason: string;

  constructor(reason: string, retryable: boolean) {
    super(`no available accounts: ${reason}`, RpcErrorCode.NoAvailableAccounts, retryable);
    this.name = 'NoAvailableAccountsError';
    this.reason = reason;
  }
}

/** Redis or Postgres could not be reached, or refused us; another try (replica) may succeed. */
export class SchedulerUnavailableError extends SchedulerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, RpcErrorCode.Unavailable, true, options);
    this.name = 'SchedulerUnavailableError';
  }
}

/** A dependency took longer than we allow (the Postgres fallback read). */
export class SchedulerTimeoutError extends SchedulerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, RpcErrorCode.Timeout, true, options);
    this.name = 'SchedulerTimeoutError';
  }
}

/** A Redis failure as the select's error; the scheduler's own errors pass through. */
export function asUnavailable(cause: unknown): unknown {
  if (cause instanceof SchedulerError) return cause;
  return new SchedulerUnavailableError('redis call failed', { cause });
}

export function rethrowUnavailable(cause: unknown): never {
  throw asUnavailable(cause);
}
