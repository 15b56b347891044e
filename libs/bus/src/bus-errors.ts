/**
 * Errors the bus raises. Each has a stable `code` the caller can branch on and tells whether a
 * retry (possibly on another replica) can help; the original error rides along as `cause`.
 */
export class BusError extends Error {
  readonly code: string;
  readonly retryable: boolean;

  constructor(message: string, code: string, retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BusError';
    this.code = code;
    this.retryable = retryable;
  }
}

/** Nobody answered within the timeout (responder slow, overloaded or died mid-request). */
export class BusTimeoutError extends BusError {
  readonly subject: string;

  constructor(subject: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(`request on ${subject} timed out after ${timeoutMs} ms`, 'timeout', true, options);
    this.name = 'BusTimeoutError';
    this.subject = subject;
  }
}

/** No subscriber on the subject: the service is down or not started yet. */
export class BusNoRespondersError extends BusError {
  readonly subject: string;

  constructor(subject: string, options?: { cause?: unknown }) {
    super(`no responders on ${subject}`, 'no_responders', true, options);
    this.name = 'BusNoRespondersError';
    this.subject = subject;
  }
}

/** The error half of a reply envelope, as a responder sends it. */
export interface RemoteErrorBody {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

/** The responder answered with an error reply; carries the responder's code and verdict. */
export class BusRemoteError extends BusError {
  readonly subject: string;

  constructor(subject: string, remote: RemoteErrorBody) {
    super(remote.message, remote.code, remote.retryable);
    this.name = 'BusRemoteError';
    this.subject = subject;
  }
}

/** The reply was not a valid envelope or its data failed the reply schema (version skew). */
export class BusMalformedReplyError extends BusError {
  readonly subject: string;

  constructor(subject: string, reason: string, options?: { cause?: unknown }) {
    super(`malformed reply on ${subject}: ${reason}`, 'malformed_reply', false, options);
    this.name = 'BusMalformedReplyError';
    this.subject = subject;
  }
}

/** A durable publish got no PubAck after all retries; the caller falls back (e.g. Postgres). */
export class BusPublishError extends BusError {
  readonly subject: string;
  readonly attempts: number;

  constructor(subject: string, attempts: number, options?: { cause?: unknown }) {
    super(
      `durable publish on ${subject} failed after ${attempts} attempts`,
      'publish_failed',
      true,
      {
        cause: options?.cause,
      },
    );
    this.name = 'BusPublishError';
    this.subject = subject;
    this.attempts = attempts;
  }
}

/** The caller's AbortSignal fired before the reply arrived. */
export class BusAbortedError extends BusError {
  constructor(subject: string, options?: { cause?: unknown }) {
    super(`request on ${subject} aborted`, 'aborted', false, options);
    this.name = 'BusAbortedError';
  }
}

/** The connection is closed or draining; a new connection (or replica) may succeed. */
export class BusConnectionError extends BusError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'connection_closed', true, options);
    this.name = 'BusConnectionError';
  }
}

/** A stream or consumer exists with a configuration that cannot be updated in place. */
export class BusConfigConflictError extends BusError {
  constructor(message: string) {
    super(message, 'config_conflict', false);
    this.name = 'BusConfigConflictError';
  }
}

/** A message could not be decoded: bad JSON or a schema failure. Never worth a retry. */
export class BusMalformedMessageError extends BusError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'malformed_message', false, options);
    this.name = 'BusMalformedMessageError';
  }
}
