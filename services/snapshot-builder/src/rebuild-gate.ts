import { randomUUID } from 'node:crypto';
import { defineScripts, extendLock, releaseLock } from '@switchyard/redis';
import type { Redis, ScriptFns } from '@switchyard/redis';
import { LockWaitTimeoutError } from './snapshot-builder-errors.js';

// A batch may start unless a full rebuild holds the gate: registering checks the gate and
// joins the set of running batches in one step, so a rebuild that closed the gate can trust
// that no batch slips in after its check. Scores are expiry times on Redis's clock, so a
// crashed replica's entry stops counting by itself.
const ENTER_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
return 1
`;

// Keeps a running batch registered (whether or not the gate has closed since it started).
const RENEW_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
return 1
`;

// Closes the gate (SET NX: one rebuild at a time) and reports how many batches still run.
const CLOSE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if ARGV[1] ~= '' then
  if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return -1 end
end
return redis.call('ZCARD', KEYS[2])
`;

const gateSpecs = {
  enter: { lua: ENTER_LUA, keys: 2, parse: (reply: unknown) => reply === 1 },
  renew: { lua: RENEW_LUA, keys: 1 },
  close: { lua: CLOSE_LUA, keys: 2, parse: (reply: unknown) => Number(reply) },
} as const;

export interface GateKeys {
  /** Present while a full rebuild runs (it is the full-rebuild lock). */
  readonly gate: string;
  /** Sorted set of running batches, scored by expiry. */
  readonly batches: string;
}

export interface GateOptions {
  /** How long a batch or a rebuild counts as running without renewing. */
  readonly ttlMs: number;
  /** Longest wait to get in. */
  readonly waitMs: number;
}

const FIRST_POLL_MS = 2;
const MAX_POLL_MS = 50;

/**
 * Keeps full rebuilds and event batches apart, across replicas: any number of batches run
 * together, a full rebuild runs alone. A rebuild closes the gate (no new batch starts), waits
 * for the running batches to finish, rebuilds, and opens it again.
 *
 * Why: a batch reads an account from Postgres, then patches buckets and the account's record.
 * A rebuild in the middle would write a newer view of that account into buckets the batch
 * then does not touch, and the record the batch writes afterwards would no longer say where
 * the account is. Run apart, each step starts from a consistent pair of records and buckets.
 */
export class RebuildGate {
  readonly #redis: Redis;
  readonly #keys: GateKeys;
  readonly #options: GateOptions;
  readonly #scripts: ScriptFns<typeof gateSpecs>;

  constructor(redis: Redis, keys: GateKeys, options: GateOptions) {
    this.#redis = redis;
    this.#keys = keys;
    this.#options = options;
    this.#scripts = defineScripts(redis, gateSpecs);
  }

  /** Runs a batch; waits while a full rebuild runs. */
  async batch<T>(work: () => Promise<T>): Promise<T> {
    const id = randomUUID();
    const keys = [this.#keys.gate, this.#keys.batches];
    await poll(this.#keys.gate, this.#options.waitMs, () =>
      this.#scripts.enter(keys, [id, this.#options.ttlMs]),
    );
    const renew = setInterval(
      () =>
        void this.#scripts.renew([this.#keys.batches], [id, this.#options.ttlMs]).catch(() => 0),
      Math.max(1, Math.floor(this.#options.ttlMs / 3)),
    );
    renew.unref();
    try {
      return await work();
    } finally {
      clearInterval(renew);
      await this.#redis.zrem(this.#keys.batches, id).catch(() => 0);
    }
  }

  /** Runs a full rebuild alone: closes the gate, waits for running batches, runs, reopens. */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    const token = randomUUID();
    const keys = [this.#keys.gate, this.#keys.batches];
    await poll(this.#keys.gate, this.#options.waitMs, async () => {
      return (await this.#scripts.close(keys, [token, this.#options.ttlMs])) !== -1;
    });
    const renew = setInterval(
      () =>
        void extendLock(this.#redis, this.#keys.gate, token, this.#options.ttlMs).catch(
          () => false,
        ),
      Math.max(1, Math.floor(this.#options.ttlMs / 3)),
    );
    renew.unref();
    try {
      await poll(this.#keys.batches, this.#options.waitMs, async () => {
        return (await this.#scripts.close(keys, ['', this.#options.ttlMs])) === 0;
      });
      return await work();
    } finally {
      clearInterval(renew);
      await releaseLock(this.#redis, this.#keys.gate, token).catch(() => false);
    }
  }
}

async function poll(what: string, waitMs: number, attempt: () => Promise<boolean>): Promise<void> {
  const started = Date.now();
  let pollMs = FIRST_POLL_MS;
  while (!(await attempt())) {
    if (Date.now() - started >= waitMs) throw new LockWaitTimeoutError(what, waitMs);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    pollMs = Math.min(pollMs * 2, MAX_POLL_MS);
  }
}
