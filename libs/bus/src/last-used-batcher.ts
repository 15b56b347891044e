import { AccountEventType } from '@switchyard/contracts';
import type { AccountEventPublisher } from './account-event-publisher.js';
import type { BusLogger } from './bus-logger.js';
import { describeError, silentLogger } from './bus-logger.js';

export interface LastUsedBatcherOptions {
  /** Longest a touch waits before it is published. Default 1 s. */
  readonly intervalMs?: number;
  /** Most accounts per event; a larger batch is split. Default 1000. */
  readonly maxEntries?: number;
  /** Clock for touches without an explicit time; defaults to Date.now. */
  readonly now?: () => number;
  readonly logger?: BusLogger;
}

// 1 s: last-used only breaks ties between equally good accounts, so a second of staleness is
// invisible, while one event per second per gateway keeps the stream quiet at any request rate.
const DEFAULT_INTERVAL_MS = 1_000;
// 1000 entries ≈ 40 KB of JSON, well under the NATS 1 MB payload limit.
const DEFAULT_MAX_ENTRIES = 1_000;

/**
 * Folds many "account was just used" touches into one `last_used` event per interval: one
 * entry per account, holding the latest time seen. A failed publish keeps the entries for the
 * next interval (merged with newer touches), so nothing is dropped while NATS is away.
 */
export class LastUsedBatcher {
  readonly #publisher: AccountEventPublisher;
  readonly #intervalMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #logger: BusLogger;
  #pending = new Map<number, number>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(publisher: AccountEventPublisher, options: LastUsedBatcherOptions = {}) {
    this.#publisher = publisher;
    this.#intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Records that the account was used at `at` (default now). Cheap: no I/O. */
  touch(accountId: number, at: number = this.#now()): void {
    this.#merge(accountId, at);
    if (this.#timer === undefined && !this.#closed) {
      this.#timer = setTimeout(() => void this.flush(), this.#intervalMs);
      // A pending batch must not keep a finished process alive; `close` flushes on shutdown.
      this.#timer.unref();
    }
  }

  /** Accounts waiting to be published. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Publishes what is pending now; resolves when done (failures stay pending and are logged). */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#publishPending());
    return this.#flushing;
  }

  /** Stops the timer and publishes what is left. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  async #publishPending(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.size === 0) return;
    const taken = this.#pending;
    this.#pending = new Map();
    const entries = [...taken].map(([accountId, at]) => ({ accountId, at }));
    for (let i = 0; i < entries.length; i += this.#maxEntries) {
      const chunk = entries.slice(i, i + this.#maxEntries);
      try {
        await this.#publisher.publish({ type: AccountEventType.LastUsed, entries: chunk });
      } catch (err) {
        this.#logger.warn('last-used batch not published; keeping it for the next interval', {
          accounts: chunk.length,
          error: describeError(err),
        });
        for (const entry of chunk) this.#merge(entry.accountId, entry.at);
      }
    }
    if (this.#pending.size > 0 && this.#timer === undefined && !this.#closed) {
      this.#timer = setTimeout(() => void this.flush(), this.#intervalMs);
      this.#timer.unref();
    }
  }

  #merge(accountId: number, at: number): void {
    const seen = this.#pending.get(accountId);
    if (seen === undefined || at > seen) this.#pending.set(accountId, at);
  }
}
