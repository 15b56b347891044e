import type { SelectedAccount } from '@switchyard/contracts';
import { SlotStock } from '@switchyard/redis';
import type { HeldSlot, KeyBuilder, Redis, RedisLogger } from '@switchyard/redis';
import type { SessionLeases } from './session-leases.js';

export type LeaseSlotStockOptions = {
  readonly redis: Redis;
  readonly keys: KeyBuilder;
  /** Slots kept per leased account at most; 0 keeps none. */
  readonly max: number;
  /** Accounts with less concurrency get no stock (one slot per this much concurrency). */
  readonly minConcurrency: number;
  readonly logger: Pick<RedisLogger, 'warn'>;
  readonly clock?: () => number;
  readonly tuning?: Partial<LeaseSlotStockTuning>;
};

export type LeaseSlotStockTuning = {
  /** Life of a kept slot in Redis, pushed out every `refreshMs` while it stays kept. */
  readonly ttlMs: number;
  /** Also how soon stock leaves an account that has become three quarters full. */
  readonly refreshMs: number;
  /** The stock of an account no leased request drew from for this long is given back. */
  readonly idleMs: number;
};

export const DEFAULT_LEASE_SLOT_STOCK_TUNING: LeaseSlotStockTuning = {
  // A crashed gateway's kept slots free themselves within 30 s.
  ttlMs: 30_000,
  refreshMs: 2_000,
  // Longer than a lease (SCHED_SESSION_LEASE_MS, 10 s by default): a session that renews its
  // lease with a select finds its slot still kept.
  idleMs: 15_000,
};

/**
 * The slots a gateway keeps for the sessions it holds leases on (SessionLeases), so that a
 * leased request starts without any Redis call: a leased request that ends well puts its slot
 * back here (`keep`) instead of releasing it, and the session's next request takes it (`take`).
 *
 * A kept slot stays what it was — a member of the account's slot zset, counted against its
 * concurrency on every replica of both services — so the concurrency limit holds exactly as
 * for any slot; what the stock changes is only who holds it between two requests. It is the
 * scheduler's slot stock (SlotStock in libs/redis) fed by released slots rather than by
 * refills, under the same bounds: only accounts with a concurrency of at least
 * `minConcurrency`, at most one slot per that much concurrency and `max` per account, given
 * back within `refreshMs` once the account's holders reach three quarters of its concurrency,
 * at once on any event about the account (`forget`, with the leases), after `idleMs` unused, and
 * when the gateway stops.
 */
export class LeaseSlotStock {
  readonly #stock: SlotStock;
  readonly #keys: KeyBuilder;
  readonly #clock: () => number;

  constructor(options: LeaseSlotStockOptions) {
    const tuning = { ...DEFAULT_LEASE_SLOT_STOCK_TUNING, ...options.tuning };
    this.#keys = options.keys;
    this.#clock = options.clock ?? Date.now;
    this.#stock = new SlotStock({
      redis: options.redis,
      // Names refill tokens, and nothing is refilled here: kept slots keep their own tokens.
      replicaId: 'gateway',
      max: options.max,
      minConcurrency: options.minConcurrency,
      ttlMs: tuning.ttlMs,
      refreshMs: tuning.refreshMs,
      // A third of its life at least: a slot taken now outlives any refresh its request needs.
      minRemainingMs: Math.ceil(tuning.ttlMs / 3),
      idleMs: tuning.idleMs,
      // Nothing is refilled or handed out through the write-behind here: stock only comes back.
      writeDelayMs: 0,
      markerTtlMs: 1,
      bindingTtlMs: 1,
      isSelectable: () => true,
      clock: this.#clock,
      logger: options.logger,
    });
  }

  get enabled(): boolean {
    return this.#stock.enabled;
  }

  /** Slots kept now, over every account. */
  get size(): number {
    return this.#stock.size;
  }

  /** Slots kept for the account now. */
  kept(accountId: number): number {
    return this.#stock.stocked(accountId);
  }

  /** A kept slot of the account, or null (the request then takes one in Redis). */
  take(accountId: number): HeldSlot | null {
    return this.#stock.take(accountId, this.#clock());
  }

  /**
   * Keeps the slot of a leased request that ended well for the session's next request; false
   * when it is not wanted (the account not worth stocking, its stock full, the slot near its
   * expiry): the caller then releases it.
   */
  keep(account: SelectedAccount, slot: HeldSlot): boolean {
    return this.#stock.putBack(
      account.id,
      this.#keys.slots(account.id),
      account.concurrency,
      slot,
      this.#clock(),
    );
  }

  /** Gives the account's kept slots back now (an event about it, a failed attempt). */
  forget(accountId: number): void {
    this.#stock.drop(accountId);
  }

  forgetAll(): void {
    this.#stock.dropAll();
  }

  start(): void {
    this.#stock.start();
  }

  /** Gives every kept slot back; nothing is kept after. */
  stop(): Promise<void> {
    return this.#stock.stop();
  }
}

/** What `slotKeeper` reads of an acquired account (AcquiredAccount). */
export type KeepableSlot = HeldSlot & {
  readonly account: SelectedAccount;
  /** The lease's mark (`SessionLeases.mark()`), null when the attempt holds no lease. */
  readonly leaseSince: number | null;
};

/**
 * How an attempt's slot may be kept for its session's next request, for its SlotLease: only
 * under a lease about whose account nothing was forgotten since — no event, no failure here.
 * Undefined when it may not be kept at all.
 */
export function slotKeeper(
  acquired: KeepableSlot,
  leases: SessionLeases | undefined,
  stock: LeaseSlotStock | undefined,
): (() => boolean) | undefined {
  const since = acquired.leaseSince;
  if (since === null || leases === undefined || stock === undefined) return undefined;
  const { account, token, expiresAt } = acquired;
  return () =>
    !leases.forgottenSince(account.id, since) && stock.keep(account, { token, expiresAt });
}
