import { acquireLock, extendLock, releaseLock } from '@switchyard/redis';
import type { Redis } from '@switchyard/redis';
import { LockWaitTimeoutError } from './snapshot-builder-errors.js';

export interface LockOptions {
  readonly ttlMs: number;
  /** How long to wait for locks someone else holds; 0: give up at once. */
  readonly waitMs: number;
}

// 2 ms doubling to 100 ms: a bucket or account lock is held for a few ms, so the first retries
// are quick; a full rebuild holds its locks ~0.3 s, which the capped pace waits out cheaply.
const FIRST_POLL_MS = 2;
const MAX_POLL_MS = 100;

/**
 * Redis locks this replica holds, extended every third of their TTL while held (a slow step
 * must not lose them; a crashed holder's expire after `ttlMs`). Two ways to take a set:
 *  - `takeAll`: all or none — when another holder may be taking several of the same locks
 *    at once (account locks of two batches), holding some while waiting for others could
 *    deadlock, so a partial grab is given back and retried after a jittered pause;
 *  - `takeInTurn`: grab what is free, then wait for the rest while holding it — only for
 *    locks every other holder takes one at a time and never waits while holding (bucket
 *    locks), so no cycle can form, and a big set (a full rebuild's) is not starved.
 */
export class HeldLocks {
  readonly #redis: Redis;
  readonly #options: LockOptions;
  readonly #tokens = new Map<string, string>();
  readonly #keepAlive: NodeJS.Timeout;

  private constructor(redis: Redis, options: LockOptions) {
    this.#redis = redis;
    this.#options = options;
    this.#keepAlive = setInterval(() => this.#extend(), Math.max(1, Math.floor(options.ttlMs / 3)));
    this.#keepAlive.unref();
  }

  static async takeAll(
    redis: Redis,
    keys: Iterable<string>,
    options: LockOptions,
  ): Promise<HeldLocks> {
    const held = new HeldLocks(redis, options);
    const wanted = [...new Set(keys)];
    const started = Date.now();
    let pollMs = FIRST_POLL_MS;
    try {
      for (;;) {
        const missing = await held.#grab(wanted);
        if (missing.length === 0) return held;
        await held.release();
        if (Date.now() - started >= options.waitMs) {
          throw new LockWaitTimeoutError(missing[0] ?? '', options.waitMs);
        }
        await sleep(pollMs * (0.5 + Math.random()));
        pollMs = Math.min(pollMs * 2, MAX_POLL_MS);
      }
    } catch (err) {
      await held.release();
      throw err;
    }
  }

  static async takeInTurn(
    redis: Redis,
    keys: Iterable<string>,
    options: LockOptions,
  ): Promise<HeldLocks> {
    const held = new HeldLocks(redis, options);
    try {
      await held.addInTurn(keys);
      return held;
    } catch (err) {
      await held.release();
      throw err;
    }
  }

  /** Takes more locks the `takeInTurn` way. */
  async addInTurn(keys: Iterable<string>): Promise<void> {
    const started = Date.now();
    let missing = await this.#grab([...new Set(keys)].filter((key) => !this.#tokens.has(key)));
    let pollMs = FIRST_POLL_MS;
    while (missing.length > 0) {
      if (Date.now() - started >= this.#options.waitMs) {
        throw new LockWaitTimeoutError(missing[0] ?? '', this.#options.waitMs);
      }
      await sleep(pollMs);
      pollMs = Math.min(pollMs * 2, MAX_POLL_MS);
      missing = await this.#grab(missing);
    }
  }

  async release(): Promise<void> {
    const held = [...this.#tokens];
    this.#tokens.clear();
    clearInterval(this.#keepAlive);
    await Promise.all(
      held.map(([key, token]) => releaseLock(this.#redis, key, token).catch(() => false)),
    );
  }

  /** Tries every key at once (the client pipelines them); returns the ones someone else holds. */
  async #grab(keys: readonly string[]): Promise<string[]> {
    const tokens = await Promise.all(
      keys.map((key) => acquireLock(this.#redis, key, this.#options.ttlMs)),
    );
    const missing: string[] = [];
    tokens.forEach((token, i) => {
      const key = keys[i] ?? '';
      if (token === null) missing.push(key);
      else this.#tokens.set(key, token);
    });
    return missing;
  }

  #extend(): void {
    for (const [key, token] of this.#tokens) {
      void extendLock(this.#redis, key, token, this.#options.ttlMs).catch(() => false);
    }
  }
}

/**
 * Runs `work` holding one lock. Returns null without running it when `waitMs` is 0 and the
 * lock is taken; throws LockWaitTimeoutError after waiting `waitMs` in vain.
 */
export async function withLock<T>(
  redis: Redis,
  key: string,
  options: LockOptions,
  work: () => Promise<T>,
): Promise<T | null> {
  let held: HeldLocks;
  try {
    held = await HeldLocks.takeAll(redis, [key], options);
  } catch (err) {
    if (options.waitMs === 0 && err instanceof LockWaitTimeoutError) return null;
    throw err;
  }
  try {
    return await work();
  } finally {
    await held.release();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
