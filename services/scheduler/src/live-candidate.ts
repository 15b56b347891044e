import type { Account } from '@switchyard/domain';
import type { KeyBuilder } from '@switchyard/redis';
import type { BucketColumns, CandidateStats } from './policy/index.js';

/** Slots held on a candidate's account and requests waiting for one; writable in place. */
export type LiveLoad = { inUse: number; waiting: number };

/**
 * A candidate as the replica keeps it between selects: the policy's `Candidate` shape, but
 * mutable, so that a report, an account event or a load read updates the one object in place
 * instead of the select path rebuilding 10,000 objects per request. The select handler writes
 * loads and calls the (synchronous) policy without an `await` in between, so no other select
 * can change these objects while a decision reads them.
 *
 * Once its bucket is built the candidate is attached to the bucket's columns (BucketColumns),
 * and every write — account, statistics, load — goes through to its row there as well, so the
 * columnar view the policy reads can never lag the objects.
 */
export class LiveCandidate {
  /** Redis keys of the account's slot and waiting sets, built once. */
  readonly slotKey: string;
  readonly waitingKey: string;
  readonly load: LiveLoad;
  #account: Account;
  #stats: CandidateStats | null;
  #inUse = 0;
  #waiting = 0;
  #columns: BucketColumns | null = null;
  #row = -1;

  constructor(account: Account, stats: CandidateStats | null, keys: KeyBuilder) {
    this.#account = account;
    this.#stats = stats;
    this.slotKey = keys.slots(account.id);
    this.waitingKey = keys.waiting(account.id);
    // Own enumerable accessors, so the load still reads, writes and compares like a plain
    // `{ inUse, waiting }` object.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    this.load = {
      get inUse(): number {
        return self.#inUse;
      },
      set inUse(value: number) {
        self.#inUse = value;
        self.#columns?.setInUse(self.#row, value);
      },
      get waiting(): number {
        return self.#waiting;
      },
      set waiting(value: number) {
        self.#waiting = value;
        self.#columns?.setWaiting(self.#row, value);
      },
    };
  }

  get account(): Account {
    return this.#account;
  }

  set account(account: Account) {
    this.#account = account;
    this.#columns?.setAccount(this.#row, account);
  }

  get stats(): CandidateStats | null {
    return this.#stats;
  }

  set stats(stats: CandidateStats | null) {
    this.#stats = stats;
    this.#columns?.setStats(this.#row, stats);
  }

  /**
   * Makes `row` of `columns` this candidate's mirror from now on (the columns were built from
   * the candidate's current values). A candidate mirrors into one bucket's columns at a time.
   */
  attach(columns: BucketColumns, row: number): void {
    this.#columns = columns;
    this.#row = row;
  }
}

/** A fresh candidate for `account`, with its keys built once. */
export function liveCandidate(
  account: Account,
  stats: CandidateStats | null,
  keys: KeyBuilder,
): LiveCandidate {
  return new LiveCandidate(account, stats, keys);
}
