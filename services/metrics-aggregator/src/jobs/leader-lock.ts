import type { Db } from '@switchyard/db';
import type { KeyBuilder, Redis } from '@switchyard/redis';
import { acquireLock, extendLock, releaseLock } from '@switchyard/redis';
import type { Logger } from '@switchyard/telemetry';

/** Which lock let a job run. */
export const LockVia = { Redis: 'redis', Postgres: 'postgres' } as const;
export type LockVia = (typeof LockVia)[keyof typeof LockVia];

/** Why a job did not run on this instance. */
export const SkipReason = {
  /** Another instance is running the job right now. */
  Busy: 'busy',
  /** Another instance already ran the job in this window. */
  WindowTaken: 'window_taken',
} as const;
export type SkipReason = (typeof SkipReason)[keyof typeof SkipReason];

export type JobRunOutcome =
  | { readonly ran: true; readonly via: LockVia }
  | { readonly ran: false; readonly reason: SkipReason };

/** The schedule window a run belongs to, epoch ms: [start, end). */
export type JobWindow = { readonly start: number; readonly end: number };

export interface LeaderLockOptions {
  readonly redis: Redis;
  readonly keys: KeyBuilder;
  readonly db: Db;
  readonly logger: Logger;
  readonly clock: () => number;
  /** A Redis call slower than this counts as Redis being down. Default 1 s. */
  readonly redisTimeoutMs?: number;
}

// 30 s, renewed every 10 s while the job runs: a crashed holder blocks the job for at most
// 30 s, and a run is never cut short by a slow query.
const RUN_LOCK_TTL_MS = 30_000;
const DEFAULT_REDIS_TIMEOUT_MS = 1_000;
// First key of the two-int advisory lock: every Switchyard advisory lock shares it ("SY"), so
// they cannot collide with another application's locks on the same database.
const ADVISORY_NAMESPACE = 0x5359;

class RedisUnavailableError extends Error {
  readonly code = 'redis_unavailable';
  readonly retryable = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedisUnavailableError';
  }
}

/**
 * Runs a periodic job on one instance at a time and once per schedule window.
 *
 * With Redis: a run lock `leader:<job>` (SET NX PX with an owner token, renewed while the job
 * runs, released by its owner only) keeps two instances from running the job at once, and a
 * window claim `leader:<job>:<window start>` that lives until the window ends keeps a second
 * instance whose timer fires a little later from running the same window again.
 *
 * When Redis does not answer, a Postgres session advisory lock on a reserved connection does
 * both jobs: taken without waiting, and held until the window ends (or released at once if
 * the job failed, so a later tick may retry). An instance that sees Redis while another does
 * not could run the job twice in one window; every job is idempotent (it recomputes buckets
 * and upserts), so that costs work, never correctness.
 */
export class LeaderLock {
  readonly #options: LeaderLockOptions;
  readonly #redisTimeoutMs: number;
  readonly #held = new Set<{ release(): Promise<void> }>();

  constructor(options: LeaderLockOptions) {
    this.#options = options;
    this.#redisTimeoutMs = options.redisTimeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
  }

  async run(job: string, window: JobWindow, work: () => Promise<void>): Promise<JobRunOutcome> {
    let claimed: Claim | SkipReason;
    try {
      claimed = await this.#claimInRedis(job, window);
    } catch (err) {
      this.#options.logger.warn('redis lock unavailable; using the postgres advisory lock', {
        job,
        error: err instanceof Error ? err.message : String(err),
      });
      return this.#runWithAdvisoryLock(job, window, work);
    }
    if (typeof claimed === 'string') return { ran: false, reason: claimed };
    const heartbeat = setInterval(() => void claimed.renew(), RUN_LOCK_TTL_MS / 3);
    try {
      await work();
    } catch (err) {
      await claimed.giveBackWindow();
      throw err;
    } finally {
      clearInterval(heartbeat);
      await claimed.releaseRun();
    }
    return { ran: true, via: LockVia.Redis };
  }

  /** Releases advisory locks still held until their window's end (shutdown). */
  async releaseAll(): Promise<void> {
    await Promise.all(
      [...this.#held].map((h) => h.release().catch((err: unknown) => this.#unlockFailed('*', err))),
    );
  }

  // The session lock dies with its connection anyway; nothing more to do than say so.
  #unlockFailed(job: string, err: unknown): void {
    this.#options.logger.warn('releasing advisory lock failed', {
      job,
      error: err instanceof Error ? err.message : String(err),
    });
  }

  async #claimInRedis(job: string, window: JobWindow): Promise<Claim | SkipReason> {
    const { redis, keys } = this.#options;
    // Known to be down: do not wait for the timeout. (A client still connecting is tried.)
    if (redis.status === 'reconnecting' || redis.status === 'end' || redis.status === 'close') {
      throw new RedisUnavailableError(`redis is ${redis.status}`);
    }
    const runKey = keys.leader(job);
    const windowKey = keys.leader(`${job}:${window.start}`);
    const runToken = await this.#redis(acquireLock(redis, runKey, RUN_LOCK_TTL_MS));
    if (runToken === null) return SkipReason.Busy;
    let windowToken: string | null;
    try {
      const untilWindowEnd = Math.max(window.end - this.#options.clock(), 1_000);
      windowToken = await this.#redis(acquireLock(redis, windowKey, untilWindowEnd));
    } catch (err) {
      await releaseLock(redis, runKey, runToken).catch(() => false);
      throw err;
    }
    const releaseRun = async () => {
      await releaseLock(redis, runKey, runToken).catch((err: unknown) =>
        this.#options.logger.warn('releasing job lock failed; it expires by itself', {
          job,
          error: err instanceof Error ? err.message : String(err),
        }),
      );
    };
    if (windowToken === null) {
      await releaseRun();
      return SkipReason.WindowTaken;
    }
    return {
      renew: async () => {
        const kept = await extendLock(redis, runKey, runToken, RUN_LOCK_TTL_MS).catch(() => false);
        if (!kept) this.#options.logger.warn('job lock lost while running', { job });
      },
      releaseRun,
      giveBackWindow: async () => {
        await releaseLock(redis, windowKey, windowToken).catch(() => false);
      },
    };
  }

  async #runWithAdvisoryLock(
    job: string,
    window: JobWindow,
    work: () => Promise<void>,
  ): Promise<JobRunOutcome> {
    const conn = await this.#options.db.sql.reserve();
    const key = `metrics-aggregator:${job}`;
    let locked = false;
    try {
      const [row] = await conn<{ locked: boolean }[]>`
        select pg_try_advisory_lock(${ADVISORY_NAMESPACE}, hashtext(${key})) as locked`;
      locked = row?.locked === true;
    } finally {
      if (!locked) conn.release();
    }
    if (!locked) return { ran: false, reason: SkipReason.Busy };
    let timer: NodeJS.Timeout | undefined;
    let released = false;
    const holder = {
      release: async () => {
        if (released) return;
        released = true;
        clearTimeout(timer);
        this.#held.delete(holder);
        try {
          await conn`select pg_advisory_unlock(${ADVISORY_NAMESPACE}, hashtext(${key}))`;
        } finally {
          conn.release();
        }
      },
    };
    try {
      await work();
    } catch (err) {
      await holder.release();
      throw err;
    }
    const untilWindowEnd = window.end - this.#options.clock();
    if (untilWindowEnd <= 0) {
      await holder.release();
    } else {
      this.#held.add(holder);
      timer = setTimeout(
        () => void holder.release().catch((err: unknown) => this.#unlockFailed(job, err)),
        untilWindowEnd,
      );
      timer.unref();
    }
    return { ran: true, via: LockVia.Postgres };
  }

  async #redis<T>(pending: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new RedisUnavailableError(`no answer within ${this.#redisTimeoutMs} ms`)),
        this.#redisTimeoutMs,
      );
    });
    try {
      return await Promise.race([pending, timeout]);
    } catch (err) {
      if (err instanceof RedisUnavailableError) throw err;
      throw new RedisUnavailableError('redis command failed', { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }
}

type Claim = {
  renew(): Promise<void>;
  releaseRun(): Promise<void>;
  giveBackWindow(): Promise<void>;
};
