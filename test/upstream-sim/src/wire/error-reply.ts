import type { StatusFault } from '../core/behaviour.js';
import { jsonReply } from '../http/reply.js';
import type { JsonReply, OutgoingHeaders } from '../http/reply.js';
import type { ErrorDetail, ErrorDialect } from './error-dialect.js';

// 60 s: a typical per-minute limit window, when a 429 fault names no reset time.
export const DEFAULT_RESET_AFTER_SECONDS = 60;

export interface ErrorOptions extends ErrorDetail {
  readonly message?: string;
}

/** An error answer in the dialect's shape, with reset headers on a 429. */
export function errorReply(
  dialect: ErrorDialect,
  status: number,
  nowMs: number,
  options: ErrorOptions = {},
): JsonReply {
  const headers: OutgoingHeaders = dialect.requestHeaders();
  const reset =
    options.resetAfterSeconds ?? (status === 429 ? DEFAULT_RESET_AFTER_SECONDS : undefined);
  if (reset !== undefined) {
    Object.assign(
      headers,
      status === 429 ? dialect.resetHeaders(reset, nowMs) : { 'retry-after': reset },
    );
  }
  const detail: ErrorDetail =
    reset === undefined ? options : { ...options, resetAfterSeconds: reset };
  const body = dialect.errorBody(
    status,
    options.message ?? dialect.defaultMessage(status),
    detail,
    headers,
  );
  return jsonReply(status, body, headers);
}

/** The answer to an injected status fault: the vendor error, then the fault's own overrides. */
export function faultReply(dialect: ErrorDialect, fault: StatusFault, nowMs: number): JsonReply {
  const options: ErrorOptions =
    fault.resetAfterSeconds === undefined ? {} : { resetAfterSeconds: fault.resetAfterSeconds };
  const reply = errorReply(dialect, fault.status, nowMs, options);
  return jsonReply(fault.status, fault.body === undefined ? reply.body : fault.body, {
    ...reply.headers,
    ...(fault.headers ?? {}),
  });
}
