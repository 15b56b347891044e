import type { SlotClient } from '@switchyard/redis';

/**
 * The concurrency slot one attempt holds on an account. A long stream refreshes it at half its
 * life so the slot never expires under a live request; `release` frees it once (idempotent) —
 * at the end, on failover, and at once when the client goes away. An attempt that ended well
 * may instead hand the slot to `keep` (LeaseSlotStock, for a leased session's next request).
 */
export class SlotLease {
  readonly accountId: number;
  readonly token: string;
  readonly #slots: SlotClient;
  readonly #timer: NodeJS.Timeout;
  readonly #keep: (() => boolean) | undefined;
  #released: Promise<void> | undefined;

  constructor(
    slots: SlotClient,
    accountId: number,
    token: string,
    ttlMs: number,
    onLost: () => void,
    keep?: () => boolean,
  ) {
    this.#slots = slots;
    this.accountId = accountId;
    this.token = token;
    this.#keep = keep;
    // Half the remaining life: one missed refresh (a Redis blip) still leaves time for the next.
    const every = Math.max(1_000, Math.floor(ttlMs / 2));
    this.#timer = setInterval(() => {
      slots.refresh(accountId, token).then(
        (held) => (held ? undefined : onLost()),
        () => undefined,
      );
    }, every);
    this.#timer.unref();
  }

  /** Ends the hold of an attempt that went well: the slot is kept when wanted, else released. */
  finish(): Promise<void> {
    if (this.#released === undefined && this.#keep?.() === true) {
      clearInterval(this.#timer);
      this.#released = Promise.resolve();
    }
    return this.release();
  }

  release(): Promise<void> {
    if (this.#released === undefined) {
      clearInterval(this.#timer);
      // An unreleased slot expires by its TTL: a Redis failure here costs capacity, not safety.
      this.#released = this.#slots.release(this.accountId, this.token).then(
        () => undefined,
        () => undefined,
      );
    }
    return this.#released;
  }
}
