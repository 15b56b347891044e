import { UnexpectedReplyError, defineScripts } from '@switchyard/redis';
import type { Redis, ScriptFns } from '@switchyard/redis';
import {
  ACQUIRE_ARGS,
  SELECT_ACQUIRE_LUA,
  SELECT_GATHER_LUA,
  SELECT_LOADS_LUA,
  UNCHECKED,
} from './select-scripts.js';
import type { BucketCandidates } from './bucket-candidates.js';
import type { LiveCandidate } from './live-candidate.js';

/** The Redis keys of one select (built once per request). */
export type SelectKeys = {
  readonly requestId: string;
  readonly marker: string;
  readonly session: string | null;
  readonly response: string | null;
};

/** The slot an earlier select with the same request id holds, as its marker names it. */
export type Marker = {
  /** The marker's value, as read: what an acquire expects to find. */
  readonly raw: string;
  readonly accountId: number;
  readonly token: string;
};

/**
 * The Redis facts a decision rests on. `undefined` on a binding: not known and not checked
 * (its key is absent from the request, or the acquire did not look at it).
 */
export type Bindings = {
  /** The account holding the slot of an earlier select with this request id, if any. */
  readonly marker: Marker | null;
  readonly session: number | null | undefined;
  readonly response: number | null | undefined;
};

/** All of them read (gather) — a binding whose key the request lacks is null. */
export type Gathered = Bindings & {
  readonly session: number | null;
  readonly response: number | null;
};

export type AcquireInput = {
  readonly keys: SelectKeys;
  readonly requestId: string;
  readonly now: number;
  /** What the decision assumed; the acquire refuses to act if Redis says otherwise. */
  readonly expected: Bindings;
  /** The marked slot's key and what to do with it. */
  readonly held: { readonly slotKey: string; readonly mode: 'keep' | 'release' } | null;
  readonly attempts: readonly {
    readonly accountId: number;
    readonly slotKey: string;
    readonly limit: number;
  }[];
  readonly bindSession: boolean;
  readonly dropSessionAccountId: number | null;
  readonly refreshResponse: boolean;
  /** Read the bucket's loads after acting (a bucket read live, whose loads are due). */
  readonly readLoads: boolean;
};

/** How an acquire ended; `found` is what Redis holds afterwards (see Bindings). */
export type AcquireOutcome = { readonly found: Bindings } & (
  | { readonly kind: 'held'; readonly accountId: number; readonly token: string }
  | { readonly kind: 'acquired'; readonly attempt: number; readonly accountId: number }
  | { readonly kind: 'full' }
  /** An expectation failed: nothing was taken or written. */
  | { readonly kind: 'stale' }
);

export type SelectRedisOptions = {
  readonly slotTtlMs: number;
  readonly bindingTtlMs: number;
  /** How long a select's marker lives: the window in which a retried select finds its slot. */
  readonly markerTtlMs: number;
};

const selectSpecs = {
  gather: { lua: SELECT_GATHER_LUA, keys: 'variadic', readOnly: true },
  acquire: { lua: SELECT_ACQUIRE_LUA, keys: 'variadic' },
  loads: { lua: SELECT_LOADS_LUA, keys: 'variadic', readOnly: true },
} as const;

/** The select's Redis round trips (select-scripts.ts), with their replies parsed. */
export class SelectRedis {
  readonly #scripts: ScriptFns<typeof selectSpecs>;
  readonly #options: SelectRedisOptions;

  constructor(redis: Redis, options: SelectRedisOptions) {
    this.#scripts = defineScripts(redis, selectSpecs);
    this.#options = options;
  }

  /**
   * Bindings, marker and — when `readLoads` and the bucket is read live — every candidate's
   * load, in one round trip. Loads are written straight into the bucket's candidates.
   */
  async gather(
    bucket: BucketCandidates,
    keys: SelectKeys,
    now: number,
    readLoads: boolean,
  ): Promise<Gathered> {
    const live = readLoads && bucket.liveLoads;
    const loadKeys = live ? bucket.loadKeys : [];
    const redisKeys = new Array<string>(3 + loadKeys.length);
    redisKeys[0] = keys.response ?? keys.marker;
    redisKeys[1] = keys.session ?? keys.marker;
    redisKeys[2] = keys.marker;
    for (let i = 0; i < loadKeys.length; i++) redisKeys[3 + i] = loadKeys[i]!;
    const reply = await this.#scripts.gather(redisKeys, [
      now,
      keys.response === null ? '0' : '1',
      keys.session === null ? '0' : '1',
    ]);
    if (!Array.isArray(reply) || reply.length !== redisKeys.length) {
      throw new UnexpectedReplyError('select gather', reply);
    }
    if (live) {
      bucket.writeLoads(reply as number[], 3);
      bucket.loadsReadAt = now;
    }
    return {
      response: accountIdOf(reply[0]),
      session: accountIdOf(reply[1]),
      marker: markerOf(reply[2], keys.requestId),
    };
  }

  /**
   * Loads of these candidates, written into them: one read-only script over their slot and
   * waiting sets.
   */
  async readLoads(candidates: readonly LiveCandidate[], now: number): Promise<void> {
    const n = candidates.length;
    if (n === 0) return;
    const redisKeys = new Array<string>(2 * n);
    for (let i = 0; i < n; i++) {
      redisKeys[i] = candidates[i]!.slotKey;
      redisKeys[n + i] = candidates[i]!.waitingKey;
    }
    const reply = await this.#scripts.loads(redisKeys, [now]);
    if (!Array.isArray(reply) || reply.length !== 2 * n) {
      throw new UnexpectedReplyError('select loads', reply);
    }
    for (let i = 0; i < n; i++) {
      const load = candidates[i]!.load;
      load.inUse = reply[i] as number;
      load.waiting = reply[n + i] as number;
    }
  }

  /**
   * Checks the decision's inputs, takes the first free slot among the attempts (or keeps the
   * held one), updates bindings, and — when `readLoads` — writes the loads after acting into
   * the bucket's candidates, for the next decision.
   */
  async acquire(bucket: BucketCandidates, input: AcquireInput): Promise<AcquireOutcome> {
    const { keys, attempts, expected } = input;
    const loadKeys = input.readLoads && bucket.liveLoads ? bucket.loadKeys : [];
    const a = attempts.length;
    const redisKeys = new Array<string>(4 + a + loadKeys.length);
    redisKeys[0] = keys.marker;
    redisKeys[1] = keys.session ?? keys.marker;
    redisKeys[2] = keys.response ?? keys.marker;
    redisKeys[3] = input.held?.slotKey ?? keys.marker;
    const args = new Array<string | number>(ACQUIRE_ARGS + 2 * a);
    args[0] = input.now;
    args[1] = this.#options.slotTtlMs;
    args[2] = input.requestId;
    args[3] = this.#options.markerTtlMs;
    args[4] = expected.marker?.raw ?? '';
    args[5] = input.held?.mode ?? '';
    args[6] = input.bindSession && keys.session !== null ? '1' : '0';
    args[7] =
      input.dropSessionAccountId === null || keys.session === null
        ? ''
        : input.dropSessionAccountId;
    args[8] = this.#options.bindingTtlMs;
    args[9] = input.refreshResponse && keys.response !== null ? '1' : '0';
    args[10] = expectation(keys.session, expected.session);
    args[11] = expectation(keys.response, expected.response);
    args[12] = a;
    for (let i = 0; i < a; i++) {
      const attempt = attempts[i]!;
      redisKeys[4 + i] = attempt.slotKey;
      args[ACQUIRE_ARGS + 2 * i] = attempt.accountId;
      args[ACQUIRE_ARGS + 2 * i + 1] = attempt.limit;
    }
    for (let i = 0; i < loadKeys.length; i++) redisKeys[4 + a + i] = loadKeys[i]!;
    const reply = await this.#scripts.acquire(redisKeys, args);
    if (
      !Array.isArray(reply) ||
      reply.length !== 5 + loadKeys.length ||
      typeof reply[0] !== 'number'
    ) {
      throw new UnexpectedReplyError('select acquire', reply);
    }
    if (loadKeys.length > 0) {
      bucket.writeLoads(reply as number[], 5);
      bucket.loadsReadAt = input.now;
    }
    const sessionKnown = args[10] !== UNCHECKED || args[6] === '1' || args[7] !== '';
    const found: Bindings = {
      marker: markerOf(reply[2], input.requestId),
      session: keys.session === null ? null : sessionKnown ? accountIdOf(reply[3]) : undefined,
      response:
        keys.response === null ? null : args[11] === UNCHECKED ? undefined : accountIdOf(reply[4]),
    };
    const index = reply[0];
    if (index === -2) return { kind: 'stale', found };
    if (index === -1) return { kind: 'full', found };
    const accountId = accountIdOf(reply[1]);
    if (accountId === null) throw new UnexpectedReplyError('select acquire', reply);
    if (index === 0) {
      // The marker now names the kept slot.
      if (found.marker === null) throw new UnexpectedReplyError('select acquire', reply);
      return { kind: 'held', accountId, token: found.marker.token, found };
    }
    return { kind: 'acquired', attempt: index - 1, accountId, found };
  }
}

/** The expectation argument for a binding: unchecked when its key is absent or unknown. */
function expectation(key: string | null, value: number | null | undefined): string | number {
  if (key === null || value === undefined) return UNCHECKED;
  return value ?? '';
}

/**
 * A marker as the scripts write it ('<account id>:<token>'); one written before markers named
 * their token ('<account id>') holds the request id's slot.
 */
function markerOf(value: unknown, requestId: string): Marker | null {
  if (typeof value !== 'string' || value === '') return null;
  const colon = value.indexOf(':');
  const accountId = accountIdOf(colon < 0 ? value : value.slice(0, colon));
  if (accountId === null) return null;
  return { raw: value, accountId, token: colon < 0 ? requestId : value.slice(colon + 1) };
}

function accountIdOf(value: unknown): number | null {
  if (value === '' || value === null || value === undefined) return null;
  const id = Number(value);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}
