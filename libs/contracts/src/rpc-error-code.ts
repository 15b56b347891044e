/** Error codes an RPC reply can carry. */
export const RpcErrorCode = {
  /** The request failed validation; resending it unchanged will fail again. */
  InvalidRequest: 'invalid_request',
  /** No account can serve the request right now (all excluded, limited or unsupported). */
  NoAvailableAccounts: 'no_available_accounts',
  /** A bug or unexpected state in the responder. */
  Internal: 'internal',
  /** A dependency of the responder (Redis, Postgres) is down. */
  Unavailable: 'unavailable',
  /** The responder gave up waiting on a dependency. */
  Timeout: 'timeout',
} as const;

export type RpcErrorCode = (typeof RpcErrorCode)[keyof typeof RpcErrorCode];

/**
 * Whether a caller should retry when the responder did not say. Transient conditions are
 * retryable; a bad request or a bug is not (retrying a bug only multiplies its load).
 */
export const DEFAULT_RETRYABLE: Readonly<Record<RpcErrorCode, boolean>> = {
  invalid_request: false,
  no_available_accounts: false,
  internal: false,
  unavailable: true,
  timeout: true,
};
