import type { SelectRequestInput, SelectedAccount } from '@switchyard/contracts';

/** Told when leases end early, for what is kept alongside them (LeaseSlotStock). */
export type ForgetListener = {
  account(accountId: number): void;
  all(): void;
};

/** A lease the scheduler granted, as this gateway holds it. */
export type HeldLease = {
  readonly account: SelectedAccount;
  /** Epoch ms after which the lease is spent. */
  readonly until: number;
  /** `SessionLeases.mark()` when the select that granted it was sent. */
  readonly since: number;
};

/**
 * The session leases this gateway holds (see `sessionLeaseSchema`): a scheduler's leave to send
 * a session's next requests straight to its bound account for a while, taking each slot in
 * Redis itself, without the select round trip.
 *
 * A lease is keyed on everything the scheduler's decision read from the request — group,
 * platform, forced platform, session, model, transport — so a request that differs in any of
 * them selects again. It ends at its expiry, or earlier when:
 * - any account event names its account (state seen upstream by any gateway, an admin change)
 *   or a full rebuild is announced — `forgetAccount` / `forgetAll`, from the account-event
 *   subscription every gateway replica has;
 * - an attempt on the account fails here (`forgetAccount`), before the event comes back;
 * - the account's slots are full (`drop`): the scheduler then decides (wait plan or spill).
 *
 * Events race selects: one that arrives while the select granting a lease is in flight must
 * still end that lease. So every forget is stamped with a sequence number, each select notes
 * the sequence when it is sent (`mark`), and a lease is live only while nothing about its
 * account (or everything) was forgotten after that mark.
 *
 * Bounded: at most `capacity` leases, the oldest evicted first.
 */
export class SessionLeases {
  readonly #capacity: number;
  readonly #clock: () => number;
  readonly #leases = new Map<string, HeldLease>();
  /** Sequence of the last forget per account. */
  readonly #forgotten = new Map<number, number>();
  #forgottenAll = 0;
  #seq = 0;

  readonly #onForget: ForgetListener | undefined;

  constructor(capacity: number, clock: () => number = Date.now, onForget?: ForgetListener) {
    this.#capacity = capacity;
    this.#clock = clock;
    this.#onForget = onForget;
  }

  /** Whether leases are used at all (capacity > 0). */
  get enabled(): boolean {
    return this.#capacity > 0;
  }

  get size(): number {
    return this.#leases.size;
  }

  /**
   * The lease key of a select, or null when its request cannot use a lease: no session, a
   * previous response to follow, or accounts excluded (a failover).
   */
  keyOf(input: SelectRequestInput): string | null {
    if (!this.enabled || input.sessionHash === undefined) return null;
    if (input.previousResponseId !== undefined) return null;
    if ((input.excludedAccountIds?.length ?? 0) > 0 || (input.attempt ?? 1) > 1) return null;
    return [
      input.groupId,
      input.platform,
      input.forcePlatform === true ? 'forced' : 'open',
      input.transport ?? '',
      input.model ?? '',
      input.sessionHash,
    ].join('\u0000');
  }

  /** The current sequence: take it before sending the select whose answer may grant a lease. */
  mark(): number {
    return this.#seq;
  }

  /**
   * Holds the lease an answer granted, unless its account was forgotten since `since`; true
   * when it is held.
   */
  grant(key: string, account: SelectedAccount, ttlMs: number, since: number): boolean {
    if (!this.enabled || this.#stale(account.id, since)) return false;
    this.#leases.delete(key);
    this.#leases.set(key, { account, until: this.#clock() + ttlMs, since });
    if (this.#leases.size > this.#capacity) {
      const oldest = this.#leases.keys().next();
      if (oldest.done !== true) this.#leases.delete(oldest.value);
    }
    return true;
  }

  /** The live lease under `key`, or null (a spent or stale one is dropped on the way). */
  find(key: string): HeldLease | null {
    const lease = this.#leases.get(key);
    if (lease === undefined) return null;
    if (lease.until <= this.#clock() || this.#stale(lease.account.id, lease.since)) {
      this.#leases.delete(key);
      return null;
    }
    return lease;
  }

  drop(key: string): void {
    this.#leases.delete(key);
  }

  /** Ends every lease on the account, including those granted by selects in flight. */
  forgetAccount(accountId: number): void {
    this.#forgotten.set(accountId, ++this.#seq);
    this.#onForget?.account(accountId);
  }

  /** Ends every lease, including those granted by selects in flight. */
  forgetAll(): void {
    this.#forgottenAll = ++this.#seq;
    this.#forgotten.clear();
    this.#leases.clear();
    this.#onForget?.all();
  }

  /** Whether anything about the account (or everything) was forgotten after the mark `since`. */
  forgottenSince(accountId: number, since: number): boolean {
    return this.#stale(accountId, since);
  }

  #stale(accountId: number, since: number): boolean {
    return this.#forgottenAll > since || (this.#forgotten.get(accountId) ?? 0) > since;
  }
}
