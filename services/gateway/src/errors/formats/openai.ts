import type { GatewayErrorCode } from '../gateway-error-code.js';
import type { GatewayError } from '../gateway-error.js';
import type { ErrorResponse } from './error-response.js';

type OpenAIKind = { readonly type: string; readonly code: string | null };

/**
 * OpenAI's `error.type` / `error.code` pairs as its API sends them (a bad key is
 * `invalid_request_error` + `invalid_api_key`, a used-up quota `insufficient_quota`).
 */
const KINDS: Readonly<Record<GatewayErrorCode, OpenAIKind>> = {
  invalid_request: { type: 'invalid_request_error', code: null },
  authentication: { type: 'invalid_request_error', code: 'invalid_api_key' },
  permission: { type: 'request_forbidden', code: null },
  not_found: { type: 'invalid_request_error', code: null },
  conflict: { type: 'invalid_request_error', code: 'conflict' },
  payload_too_large: { type: 'invalid_request_error', code: 'request_too_large' },
  rate_limited: { type: 'requests', code: 'rate_limit_exceeded' },
  quota_exceeded: { type: 'insufficient_quota', code: 'insufficient_quota' },
  overloaded: { type: 'server_error', code: 'overloaded' },
  no_available_accounts: { type: 'server_error', code: 'no_available_accounts' },
  scheduler_unavailable: { type: 'server_error', code: 'service_unavailable' },
  service_unavailable: { type: 'server_error', code: 'service_unavailable' },
  upstream_error: { type: 'server_error', code: 'upstream_error' },
  upstream_timeout: { type: 'server_error', code: 'timeout' },
  internal: { type: 'server_error', code: null },
};

/** `{"error":{"message","type","param","code"}}` — the OpenAI API's error body. */
export function openaiErrorResponse(err: GatewayError): ErrorResponse {
  const kind = KINDS[err.code];
  return {
    status: err.httpStatus,
    body: {
      error: {
        message: err.message,
        type: kind.type,
        param: err.param ?? null,
        // The finer reason is more useful to a caller than a generic code when we have one.
        code: err.reason ?? kind.code,
      },
    },
  };
}
