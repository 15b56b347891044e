import { GatewayError } from '../errors/index.js';

/**
 * What the client gets when every allowed attempt failed: the last upstream verdict in the
 * gateway's terms — a 429 stays a rate limit, a 529 / 503 an overload, anything else (an
 * account's credentials refused, a 5xx, no answer at all) a bad gateway or a timeout.
 */
export function errorForLastFailure(
  upstreamStatus: number | null,
  timedOut: boolean,
): GatewayError {
  if (upstreamStatus === 429) {
    return new GatewayError(
      'rate_limited',
      'Every upstream account is rate limited right now; retry shortly.',
    );
  }
  if (upstreamStatus === 529 || upstreamStatus === 503) {
    return new GatewayError('overloaded', 'The upstream is overloaded; retry shortly.');
  }
  if (upstreamStatus === null && timedOut) {
    return new GatewayError('upstream_timeout', 'The upstream did not answer in time.');
  }
  return new GatewayError(
    'upstream_error',
    upstreamStatus === null
      ? 'The upstream could not be reached.'
      : `The upstream failed the request (status ${upstreamStatus}).`,
  );
}

/** Undici's timeout errors, by code (no instanceof across undici copies). */
export function isTimeout(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  );
}
