import type { GatewayErrorCode } from '../gateway-error-code.js';
import type { GatewayError } from '../gateway-error.js';
import type { ErrorResponse } from './error-response.js';

/** google.rpc.Code names, as Google APIs put them in `error.status`. */
const STATUSES: Readonly<Record<GatewayErrorCode, string>> = {
  invalid_request: 'INVALID_ARGUMENT',
  authentication: 'UNAUTHENTICATED',
  permission: 'PERMISSION_DENIED',
  not_found: 'NOT_FOUND',
  conflict: 'ALREADY_EXISTS',
  payload_too_large: 'INVALID_ARGUMENT',
  rate_limited: 'RESOURCE_EXHAUSTED',
  quota_exceeded: 'RESOURCE_EXHAUSTED',
  overloaded: 'UNAVAILABLE',
  no_available_accounts: 'UNAVAILABLE',
  scheduler_unavailable: 'UNAVAILABLE',
  service_unavailable: 'UNAVAILABLE',
  upstream_error: 'UNAVAILABLE',
  upstream_timeout: 'DEADLINE_EXCEEDED',
  internal: 'INTERNAL',
};

// Used when a status was passed through from upstream and no longer matches the code's own.
const BY_HTTP_STATUS: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** `{"error":{"code":<http status>,"message","status"}}` — the Google API error body. */
export function geminiErrorResponse(err: GatewayError, defaultStatus: number): ErrorResponse {
  const status =
    err.httpStatus === defaultStatus
      ? STATUSES[err.code]
      : (BY_HTTP_STATUS[err.httpStatus] ?? STATUSES[err.code]);
  return {
    status: err.httpStatus,
    body: { error: { code: err.httpStatus, message: err.message, status } },
  };
}
