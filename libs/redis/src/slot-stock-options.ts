import type { Redis } from 'ioredis';
import type { RedisLogger } from './create-redis.js';

// The types of SlotStock (slot-stock.ts): its options, and what it hands out and writes behind.

export type SlotStockOptions = {
  readonly redis: Redis;
  /** Goes into the stocked slots' tokens, so an operator can tell whose they are. */
  readonly replicaId: string;
  /** Slots stocked per account at most; 0 turns the stock off. */
  readonly max: number;
  /** Accounts with a lower concurrency are never stocked. */
  readonly minConcurrency: number;
  /** Life of a stocked slot in Redis, pushed out every `refreshMs` while it stays in stock. */
  readonly ttlMs: number;
  readonly refreshMs: number;
  /** A stocked slot closer than this to its expiry is not handed out. */
  readonly minRemainingMs: number;
  /** The stock of an account nothing was drawn from for this long is given back. */
  readonly idleMs: number;
  /**
   * How long hand-outs and refills gather before they are written, in one round trip: a
   * longer wait means fewer Redis calls per select, at the cost of later retry markers.
   */
  readonly writeDelayMs: number;
  readonly markerTtlMs: number;
  readonly bindingTtlMs: number;
  /** Whether the account may still be selected; the stock of one that may not is given back. */
  readonly isSelectable: (accountId: number) => boolean;
  readonly clock: () => number;
  readonly logger: Pick<RedisLogger, 'warn'>;
};

export type StockedSlot = { readonly token: string; readonly expiresAt: number };

/** What a select answered from stock, for the write-behind (marker, session binding). */
export type HandOut = {
  readonly accountId: number;
  readonly token: string;
  /** The select's marker key (selectMarkerKey): a retried select finds the slot through it. */
  readonly markerKey: string;
  /** The session binding the select followed, kept alive; null when it followed none. */
  readonly sessionKey: string | null;
};
