import type { Redis } from 'ioredis';
import type { KeyBuilder, KeyPart } from './key-builder.js';
import { acquireSlot, refreshSlot, releaseSlot } from './slots.js';

export interface SlotClientOptions {
  /**
   * Lifetime of a slot (and of a waiting entry) that is not refreshed. Must match the
   * scheduler's `SCHED_SLOT_TTL_SECONDS` (default 300 s) so both sides expire holdings alike.
   */
  readonly slotTtlMs?: number;
  /** The clock used for expiries; Date.now by default (see slot-scripts.ts on clocks). */
  readonly now?: () => number;
}

/** A slot taken outside the scheduler (e.g. after waiting on a wait plan). */
export interface HeldSlot {
  readonly token: string;
  readonly expiresAt: number;
}

export interface WaitEntry {
  /** Bounds the queue: entering fails when this many requests already wait. */
  readonly maxWaiting: number;
  /** The entry frees itself after this long even if the waiter crashes. */
  readonly timeoutMs: number;
}

/**
 * The gateway's side of the concurrency slots the scheduler hands out: release and refresh a
 * slot by its token, wait for one on a busy account, take one when it frees up. All on the same
 * per-account zsets (KeyBuilder.slots / .waiting) and Lua scripts as the scheduler, so the
 * concurrency limit holds across every replica of both services.
 *
 * The token of a slot is the select's request id: `SelectResult.slot.token`.
 */
export interface SlotClient {
  /** Takes a slot on the account if fewer than `concurrency` are held; null when full. */
  acquire(accountId: KeyPart, token: string, concurrency: number): Promise<HeldSlot | null>;
  /** Frees the slot; false when it was not held (already released or expired). */
  release(accountId: KeyPart, token: string): Promise<boolean>;
  /** Pushes the slot's expiry out by the slot TTL (long streams); false when no longer held. */
  refresh(accountId: KeyPart, token: string): Promise<boolean>;
  /** Joins the account's waiting set unless `maxWaiting` already wait; true when joined. */
  enterWait(accountId: KeyPart, requestId: string, entry: WaitEntry): Promise<boolean>;
  /** Leaves the waiting set; false when not in it. */
  leaveWait(accountId: KeyPart, requestId: string): Promise<boolean>;
}

// Default of SCHED_SLOT_TTL_SECONDS (libs/config scheduler-config.ts).
const DEFAULT_SLOT_TTL_MS = 300_000;

export function createSlotClient(
  redis: Redis,
  keys: KeyBuilder,
  options: SlotClientOptions = {},
): SlotClient {
  const ttlMs = options.slotTtlMs ?? DEFAULT_SLOT_TTL_MS;
  const now = options.now ?? Date.now;
  return {
    async acquire(accountId, token, concurrency) {
      const at = now();
      const acquired = await acquireSlot(redis, keys.slots(accountId), {
        requestId: token,
        limit: concurrency,
        ttlMs,
        now: at,
      });
      return acquired ? { token, expiresAt: at + ttlMs } : null;
    },
    release: (accountId, token) => releaseSlot(redis, keys.slots(accountId), token),
    refresh: (accountId, token) =>
      refreshSlot(redis, keys.slots(accountId), { requestId: token, ttlMs, now: now() }),
    // The waiting set has the slot set's shape: the same script bounds it atomically.
    enterWait: (accountId, requestId, entry) =>
      acquireSlot(redis, keys.waiting(accountId), {
        requestId,
        limit: entry.maxWaiting,
        ttlMs: entry.timeoutMs,
        now: now(),
      }),
    leaveWait: (accountId, requestId) => releaseSlot(redis, keys.waiting(accountId), requestId),
  };
}
