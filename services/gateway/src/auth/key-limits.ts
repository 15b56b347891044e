import type { KeyBuilder, Redis, ScriptFns } from '@switchyard/redis';
import { UnexpectedReplyError, defineScripts, refreshSlot, releaseSlot } from '@switchyard/redis';
import { authRefusal } from './auth-refusal.js';
import { KEY_ADMIT_LUA } from './key-limit-script.js';

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

/** The hold of a request that took no slot (a key without a concurrency limit). */
export const NO_KEY_LIMITS: KeyLimitHold = {
  holdsSlot: false,
  release: () => Promise.resolve(),
  refresh: () => Promise.resolve(true),
};

type Admission = { readonly count: number; readonly held: boolean };

const keyLimitSpecs = {
  admit: { lua: KEY_ADMIT_LUA, keys: 2, parse: parseAdmission },
} as const;

const scriptsByClient = new WeakMap<Redis, ScriptFns<typeof keyLimitSpecs>>();

/**
 * The key-limit script on this client, defined on first call. Call it once at start-up (before
 * traffic) so the script is never first defined while other commands are in flight.
 */
export function keyLimitScripts(redis: Redis): ScriptFns<typeof keyLimitSpecs> {
  let fns = scriptsByClient.get(redis);
  if (fns === undefined) {
    fns = defineScripts(redis, keyLimitSpecs);
    scriptsByClient.set(redis, fns);
  }
  return fns;
}

/**
 * Admits a request under its key's per-minute and concurrency limits, counted in Redis so that
 * every gateway replica shares them. The minute count is a fixed window per clock minute
 * (cheap: one INCR; a burst across a minute boundary can reach twice the limit, which is the
 * usual trade for a counter that costs no sorted set). Concurrency uses the same slot zset as
 * account slots. Both are decided by one script (KEY_ADMIT_LUA) in one round trip: a request
 * over its minute's limit never takes a slot, so nothing has to be given back. Throws a
 * business-limited GatewayError on refusal and an `auth_unavailable` one when Redis fails.
 */
export async function acquireKeyLimits(
  redis: Redis,
  keys: KeyBuilder,
  input: KeyLimitInput,
): Promise<KeyLimitHold> {
  const { concurrencyLimit, rpmLimit } = input;
  if (concurrencyLimit === null && rpmLimit === null) return NO_KEY_LIMITS;
  const minute = Math.floor(input.now / MINUTE_MS);
  const slotKey = keys.apiKeyConcurrency(input.apiKeyId);
  let admission: Admission;
  try {
    admission = await keyLimitScripts(redis).admit(
      [keys.apiKeyRpm(input.apiKeyId, minute), slotKey],
      [
        rpmLimit ?? -1,
        RPM_KEY_TTL_MS,
        concurrencyLimit ?? -1,
        input.now,
        input.slotTtlMs,
        input.requestId,
      ],
    );
  } catch (cause) {
    // The script may have run before the connection failed; give a possible slot back.
    if (concurrencyLimit !== null)
      await releaseSlot(redis, slotKey, input.requestId).catch(() => {});
    throw authRefusal('auth_unavailable', { cause });
  }
  if (rpmLimit !== null && admission.count > rpmLimit) {
    const nextMinute = (minute + 1) * MINUTE_MS;
    throw authRefusal('api_key_rpm_limit', { retryAfterSeconds: (nextMinute - input.now) / 1000 });
  }
  if (concurrencyLimit !== null && !admission.held) {
    throw authRefusal('api_key_concurrency_limit', {
      retryAfterSeconds: CONCURRENCY_RETRY_AFTER_SECONDS,
    });
  }
  if (!admission.held) return NO_KEY_LIMITS;
  let released: Promise<void> | undefined;
  return {
    holdsSlot: true,
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

function parseAdmission(reply: unknown): Admission {
  if (Array.isArray(reply) && reply.length === 2) {
    const [count, held] = reply as unknown[];
    if (typeof count === 'number' && (held === 0 || held === 1)) {
      return { count, held: held === 1 };
    }
  }
  throw new UnexpectedReplyError('api key admission', reply);
}
