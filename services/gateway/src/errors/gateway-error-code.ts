/**
 * What went wrong, independent of the client's format. Each code fixes the HTTP status and
 * whether the client may retry; the per-format wire names live in the format writers.
 */
export const GatewayErrorCode = {
  /** Malformed JSON, wrong field types, missing model, a model the group does not serve. */
  InvalidRequest: 'invalid_request',
  /** No API key, or one that matches nothing. */
  Authentication: 'authentication',
  /** A valid key that may not do this: disabled, expired, its group or user disabled. */
  Permission: 'permission',
  NotFound: 'not_found',
  /** The change clashes with existing data (a name already taken). */
  Conflict: 'conflict',
  PayloadTooLarge: 'payload_too_large',
  /** The key's own requests-per-minute or concurrency limit, or an upstream 429 passed on. */
  RateLimited: 'rate_limited',
  /** The key's token or USD quota is used up. */
  QuotaExceeded: 'quota_exceeded',
  /** Upstream capacity exhausted (Anthropic 529). */
  Overloaded: 'overloaded',
  NoAvailableAccounts: 'no_available_accounts',
  SchedulerUnavailable: 'scheduler_unavailable',
  /** A dependency of our own (Redis, Postgres) is unreachable. */
  ServiceUnavailable: 'service_unavailable',
  UpstreamError: 'upstream_error',
  UpstreamTimeout: 'upstream_timeout',
  /** A bug or an unexpected failure on our side; the message never leaks internals. */
  Internal: 'internal',
} as const;

export type GatewayErrorCode = (typeof GatewayErrorCode)[keyof typeof GatewayErrorCode];

export type GatewayErrorSpec = {
  /** Status sent to clients, except where a format overrides it (Anthropic 529). */
  readonly httpStatus: number;
  readonly retryable: boolean;
};

export const GATEWAY_ERROR_SPECS: Readonly<Record<GatewayErrorCode, GatewayErrorSpec>> = {
  invalid_request: { httpStatus: 400, retryable: false },
  authentication: { httpStatus: 401, retryable: false },
  permission: { httpStatus: 403, retryable: false },
  not_found: { httpStatus: 404, retryable: false },
  conflict: { httpStatus: 409, retryable: false },
  payload_too_large: { httpStatus: 413, retryable: false },
  rate_limited: { httpStatus: 429, retryable: true },
  quota_exceeded: { httpStatus: 429, retryable: false },
  overloaded: { httpStatus: 503, retryable: true },
  no_available_accounts: { httpStatus: 503, retryable: true },
  scheduler_unavailable: { httpStatus: 503, retryable: true },
  service_unavailable: { httpStatus: 503, retryable: true },
  upstream_error: { httpStatus: 502, retryable: true },
  upstream_timeout: { httpStatus: 504, retryable: true },
  internal: { httpStatus: 500, retryable: false },
};
