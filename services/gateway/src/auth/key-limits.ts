import type { KeyBuilder, Redis } from '@switchyard/redis';
import { acquireSlot, refreshSlot, releaseSlot } from '@switchyard/redis';
import { authRefusal } from './auth-refusal.js';

export type KeyLimitInput = {
  readonly apiKeyId: number;
  /** Most requests in flight for the key at once; null = unlimited. */
  readonly concurrencyLimit: number | null;
  /** Most requests the key may start per clock minute; null = unlimited. */
  readonly rpmLimit: number | null;
  /** Identifies this request's concurrency slot. */
  readonly requestId: string;
  /** How long a slot lives without a refresh (a crashed gateway's slots expire by this). */
  readonly slotTtlMs: number;
  readonly now: number;
};

/** A request admitted under its key's limits. */
export type KeyLimitHold = {
  /** True when the request holds a concurrency slot that must be released. */
  readonly holdsSlot: boolean;
  /** Frees the slot; safe to call more than once. */
  release(): Promise<void>;
  /** Extends the slot's life to now + slotTtlMs; false when it was lost (expired). */
  refresh(now: number): Promise<boolean>;
};

const MINUTE_MS = 60_000;
// Counters outlive their minute by one more, so that gateways whose clocks differ by up to a
// minute still count into a key that exists; Redis then drops it.
const RPM_KEY_TTL_MS = 2 * MINUTE_MS;
// A concurrency refusal clears as soon as any request of the key ends; 1 s is a polite pause.
const CONCURRENCY_RETRY_AFTER_SECONDS = 1;

const NO_HOLD: KeyLimitHold = {
  holdsSlot: false,
  release: () => Promise.resolve(),
  refresh: () => Promise.resolve(true),
};

async function countRequest(redis: Redis, key: string): Promise<number> {
  const replies = await redis.multi().incr(key).pexpire(key, RPM_KEY_TTL_MS).exec();
  const [incrError, count] = replies?.[0] ?? [new Error('transaction discarded'), null];
  if (incrError !== null) throw incrError;
  return Number(count);
}

/**
 * Admits a request under its key's per-minute and concurrency limits, counted in Redis so that
 * every gateway replica shares them. The minute count is a fixed window per clock minute
 * (cheap: one INCR; a burst across a minute boundary can reach twice the limit, which is the
 * usual trade for a counter that costs no sorted set). Concurrency uses the same slot zset as
 * account slots. Both run in one round trip; when either refuses, a slot taken meanwhile is
 * given back. Throws a business-limited GatewayError on refusal and an `auth_unavailable` one
 * when Redis fails.
 */
export async function acquireKeyLimits(
  redis: Redis,
  keys: KeyBuilder,
  input: KeyLimitInput,
): Promise<KeyLimitHold> {
  const { concurrencyLimit, rpmLimit } = input;
  if (concurrencyLimit === null && rpmLimit === null) return NO_HOLD;
  const minute = Math.floor(input.now / MINUTE_MS);
  const slotKey = keys.apiKeyConcurrency(input.apiKeyId);
  let results: [number | null, boolean | null];
  try {
    results = await Promise.all([
      rpmLimit === null ? null : countRequest(redis, keys.apiKeyRpm(input.apiKeyId, minute)),
      concurrencyLimit === null
        ? null
        : acquireSlot(redis, slotKey, {
            requestId: input.requestId,
            limit: concurrencyLimit,
            ttlMs: input.slotTtlMs,
            now: input.now,
          }),
    ]);
  } catch (cause) {
    // One of the two may have succeeded; give a possible slot back before refusing.
    if (concurrencyLimit !== null)
      await releaseSlot(redis, slotKey, input.requestId).catch(() => {});
    throw authRefusal('auth_unavailable', { cause });
  }
  const [count, acquired] = results;
  const holdsSlot = acquired === true;
  if (rpmLimit !== null && count !== null && count > rpmLimit) {
    if (holdsSlot) await releaseSlot(redis, slotKey, input.requestId).catch(() => {});
    const nextMinute = (minute + 1) * MINUTE_MS;
    throw authRefusal('api_key_rpm_limit', { retryAfterSeconds: (nextMinute - input.now) / 1000 });
  }
  if (concurrencyLimit !== null && !holdsSlot) {
    throw authRefusal('api_key_concurrency_limit', {
      retryAfterSeconds: CONCURRENCY_RETRY_AFTER_SECONDS,
    });
  }
  if (!holdsSlot) return NO_HOLD;
  let released: Promise<void> | undefined;
  return {
    holdsSlot,
    release: () =>
      (released ??= releaseSlot(redis, slotKey, input.requestId).then(
        () => undefined,
        // An unreleased slot expires by its TTL; nothing more to do here.
        () => undefined,
      )),
    refresh: (now) =>
      released !== undefined
        ? Promise.resolve(false)
        : refreshSlot(redis, slotKey, { requestId: input.requestId, ttlMs: input.slotTtlMs, now }),
  };
}
