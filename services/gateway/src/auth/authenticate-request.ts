import { hashApiKey } from '@switchyard/db';
import type { KeyBuilder, Redis } from '@switchyard/redis';
import type { ApiKeyLookup } from './api-key-lookup.js';
import type { ApiKeyPrincipal } from './api-key-principal.js';
import { authRefusal } from './auth-refusal.js';
import { checkApiKey } from './check-api-key.js';
import { NO_KEY_LIMITS, acquireKeyLimits } from './key-limits.js';
import type { KeyLimitHold } from './key-limits.js';

export type AuthenticateRequestDeps = {
  readonly lookup: ApiKeyLookup;
  readonly redis: Redis;
  readonly keys: KeyBuilder;
};

export type AuthenticateRequestInput = {
  /** The presented key, or undefined when the request carried none. */
  readonly apiKey: string | undefined;
  /** Names the request's concurrency slot. */
  readonly requestId: string;
  readonly now: number;
  readonly slotTtlMs: number;
};

export type AuthenticatedRequest = {
  readonly principal: ApiKeyPrincipal;
  readonly hold: KeyLimitHold;
};

/**
 * The common case decided on the spot, without a promise: a cached, usable key without
 * per-minute or concurrency limits (nothing to count in Redis). Undefined whenever anything
 * else applies — not cached, refused, or limited — and `authenticateRequest` then decides.
 */
export function admitFromCache(
  deps: AuthenticateRequestDeps,
  input: AuthenticateRequestInput,
): AuthenticatedRequest | undefined {
  if (input.apiKey === undefined) return undefined;
  const principal = deps.lookup.cached(hashApiKey(input.apiKey));
  if (principal === undefined || principal === null) return undefined;
  if (principal.concurrencyLimit !== null || principal.rpmLimit !== null) return undefined;
  if (checkApiKey(principal, input.now) !== null) return undefined;
  return { principal, hold: NO_KEY_LIMITS };
}

/**
 * The whole auth decision without HTTP: find the key, check its state and quotas, then take
 * its per-minute count and concurrency slot. Throws the GatewayError to answer with.
 */
export async function authenticateRequest(
  deps: AuthenticateRequestDeps,
  input: AuthenticateRequestInput,
): Promise<AuthenticatedRequest> {
  if (input.apiKey === undefined) throw authRefusal('missing_api_key');
  let principal: ApiKeyPrincipal | null;
  try {
    principal = await deps.lookup.find(hashApiKey(input.apiKey));
  } catch (cause) {
    throw authRefusal('auth_unavailable', { cause });
  }
  if (principal === null) throw authRefusal('invalid_api_key');
  const refusal = checkApiKey(principal, input.now);
  if (refusal !== null) throw authRefusal(refusal);
  const hold = await acquireKeyLimits(deps.redis, deps.keys, {
    apiKeyId: principal.apiKeyId,
    concurrencyLimit: principal.concurrencyLimit,
    rpmLimit: principal.rpmLimit,
    requestId: input.requestId,
    slotTtlMs: input.slotTtlMs,
    now: input.now,
  });
  return { principal, hold };
}
