import type { OutgoingHeaders } from '../http/reply.js';
import type { ErrorDialect } from './error-dialect.js';
import { randomId } from './ids.js';

const TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

const MESSAGES: Record<number, string> = {
  401: 'invalid x-api-key',
  403: 'Your API key does not have permission to use the specified resource.',
  404: 'Not found',
  429: "This request would exceed your account's rate limit. Please try again later.",
  500: 'Internal server error',
  529: 'Overloaded',
};

export function anthropicErrorType(status: number): string {
  return TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/** Anthropic: `{type:'error', error:{type, message}, request_id}` and a `request-id` header. */
export const anthropicDialect: ErrorDialect = {
  name: 'anthropic',
  requestHeaders: () => ({ 'request-id': randomId('req_011C') }),
  defaultMessage: (status) =>
    MESSAGES[status] ?? (status >= 500 ? 'Internal server error' : 'Invalid request'),
  errorBody: (status, message, _detail, headers) => ({
    type: 'error',
    error: { type: anthropicErrorType(status), message },
    request_id: headers['request-id'],
  }),
  resetHeaders: (seconds, nowMs): OutgoingHeaders => {
    const resetAt = Math.floor(nowMs / 1000) + seconds;
    return {
      'retry-after': seconds,
      'anthropic-ratelimit-unified-status': 'rejected',
      'anthropic-ratelimit-unified-reset': resetAt,
      'anthropic-ratelimit-unified-representative-claim': 'five_hour',
      'anthropic-ratelimit-unified-5h-status': 'rejected',
      'anthropic-ratelimit-unified-5h-reset': resetAt,
      'anthropic-ratelimit-requests-remaining': 0,
      'anthropic-ratelimit-requests-reset': new Date(resetAt * 1000).toISOString(),
    };
  },
};
