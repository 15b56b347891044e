import type { GatewayErrorCode } from '../gateway-error-code.js';
import type { GatewayError } from '../gateway-error.js';
import type { ErrorResponse } from './error-response.js';

/** Anthropic's `error.type` names, from https://docs.anthropic.com/en/api/errors. */
const TYPES: Readonly<Record<GatewayErrorCode, string>> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  conflict: 'invalid_request_error',
  payload_too_large: 'request_too_large',
  rate_limited: 'rate_limit_error',
  quota_exceeded: 'rate_limit_error',
  overloaded: 'overloaded_error',
  no_available_accounts: 'api_error',
  scheduler_unavailable: 'api_error',
  service_unavailable: 'api_error',
  upstream_error: 'api_error',
  upstream_timeout: 'timeout_error',
  internal: 'api_error',
};

// 529 is Anthropic's own "overloaded" status; the SDKs and Claude Code back off on it.
const OVERLOADED_STATUS = 529;

/**
 * `{"type":"error","error":{"type":…,"message":…},"request_id":…}` — the body the Anthropic
 * API sends (the request id also goes out as the `request-id` header).
 */
export function anthropicErrorResponse(err: GatewayError, requestId?: string): ErrorResponse {
  const status = err.code === 'overloaded' ? OVERLOADED_STATUS : err.httpStatus;
  return {
    status,
    body: {
      type: 'error',
      error: { type: TYPES[err.code], message: err.message },
      ...(requestId === undefined ? {} : { request_id: requestId }),
    },
  };
}
