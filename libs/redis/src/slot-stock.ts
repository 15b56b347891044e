import { randomBytes } from 'node:crypto';
import { defineScripts } from './define-scripts.js';
import type { ScriptFns } from './define-scripts.js';
import { UnexpectedReplyError } from './redis-errors.js';
import { STOCK_EXTEND_LUA, STOCK_FLUSH_LUA, STOCK_RETURN_LUA } from './slot-stock-scripts.js';
import type { HandOut, SlotStockOptions, StockedSlot } from './slot-stock-options.js';

export type { HandOut, SlotStockOptions, StockedSlot } from './slot-stock-options.js';

type Stocked = { readonly token: string; expiresAt: number };

type Entry = {
  readonly accountId: number;
  readonly slotKey: string;
  /** The account's concurrency as last seen: bounds how much of it the stock may take. */
  concurrency: number;
  /** In stock, newest last. */
  slots: Stocked[];
  /** Slots asked of Redis and not answered yet. */
  requested: number;
  lastTakenAt: number;
};

type Refill = { readonly entry: Entry; readonly cap: number; readonly tokens: string[] };

const stockSpecs = {
  flush: { lua: STOCK_FLUSH_LUA, keys: 'variadic' },
  extend: { lua: STOCK_EXTEND_LUA, keys: 'variadic' },
  giveBack: { lua: STOCK_RETURN_LUA, keys: 'variadic' },
} as const;

/**
 * Slots a replica takes in Redis ahead of demand, so that a select can answer at once and leave
 * Redis to a write-behind: the Redis round trip is most of a select's latency.
 *
 * A stocked slot is an ordinary slot — a member of the account's zset with an expiry — so it
 * counts against the account's concurrency on every replica, and the invariant (never more than
 * `concurrency` holders) holds exactly as for slots acquired at select time. What changes is
 * only who holds it: the replica until it hands it out, then the caller, who releases and
 * refreshes it by its token like any other. Stocked slots are short-lived (`ttlMs`, pushed out
 * while they stay in stock), so a crashed replica's stock frees itself within seconds; the answer
 * carries the slot's real expiry, and the gateway refreshes a long request's slot before it.
 *
 * The stock never crowds out demand: only accounts with room to spare are stocked (concurrency
 * at least `minConcurrency`, taken only while the zset is under three quarters full), at most
 * `max` slots each, and it is given back when the account goes idle here, stops being
 * selectable, or the replica stops.
 */
export class SlotStock {
  readonly #o: SlotStockOptions;
  readonly #scripts: ScriptFns<typeof stockSpecs>;
  readonly #entries = new Map<number, Entry>();
  readonly #tokenPrefix: string;
  #claims: HandOut[] = [];
  #refills = new Map<number, Refill>();
  #seq = 0;
  #scheduled: NodeJS.Timeout | null = null;
  #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: SlotStockOptions) {
    this.#o = options;
    this.#scripts = defineScripts(options.redis, stockSpecs);
    // Random per process: a restarted replica with the same id never reuses a live token.
    this.#tokenPrefix = `stock:${options.replicaId}:${randomBytes(4).toString('hex')}:`;
  }

  get enabled(): boolean {
    return this.#o.max > 0;
  }

  /** Slots in stock now, over every account. */
  get size(): number {
    let n = 0;
    for (const entry of this.#entries.values()) n += entry.slots.length;
    return n;
  }

  /** Slots the stock holds for the account now. */
  stocked(accountId: number): number {
    return this.#entries.get(accountId)?.slots.length ?? 0;
  }

  /** A slot of the account out of stock, or null when none is left with enough life in it. */
  take(accountId: number, now: number): StockedSlot | null {
    const entry = this.#entries.get(accountId);
    if (entry === undefined) return null;
    while (entry.slots.length > 0) {
      const slot = entry.slots.pop()!;
      if (slot.expiresAt - now >= this.#o.minRemainingMs) {
        entry.lastTakenAt = now;
        return { token: slot.token, expiresAt: slot.expiresAt };
      }
      // Too close to its expiry to hand out: let it lapse.
    }
    return null;
  }

  /** Records a slot answered from stock; its marker and binding are written behind. */
  handOut(handOut: HandOut): void {
    this.#claims.push(handOut);
    this.#schedule();
  }

  /**
   * Tops the account's stock up behind the current answers, if it is worth stocking: called for
   * every account a select just took a slot on.
   */
  want(accountId: number, slotKey: string, concurrency: number, now: number): void {
    if (this.#stopped) return;
    const target = this.#target(concurrency);
    if (target === 0) return;
    const entry = this.#entryFor(accountId, slotKey, concurrency, now);
    const missing = target - entry.slots.length - entry.requested;
    if (missing <= 0) return;
    const tokens: string[] = [];
    for (let i = 0; i < missing; i++) tokens.push(`${this.#tokenPrefix}${++this.#seq}`);
    entry.requested += missing;
    const cap = stockCap(concurrency);
    const pending = this.#refills.get(accountId);
    if (pending === undefined) this.#refills.set(accountId, { entry, cap, tokens });
    else this.#refills.set(accountId, { entry, cap, tokens: [...pending.tokens, ...tokens] });
    this.#schedule();
  }

  /**
   * Keeps a slot its holder is done with in stock instead of releasing it, so that the next
   * request on the account takes it without a Redis call. Accepted when the account is worth
   * stocking (its concurrency), the stock is below its target and the slot has
   * `minRemainingMs` of life left; false otherwise, and the caller releases the slot as usual.
   * The slot stays a member of the account's zset all along; whether the account has since
   * filled up is checked at the next refresh, which gives stock back from an account three
   * quarters full.
   */
  putBack(
    accountId: number,
    slotKey: string,
    concurrency: number,
    slot: StockedSlot,
    now: number,
  ): boolean {
    if (this.#stopped || slot.expiresAt - now < this.#o.minRemainingMs) return false;
    const target = this.#target(concurrency);
    if (target === 0) return false;
    const entry = this.#entryFor(accountId, slotKey, concurrency, now);
    if (entry.slots.length + entry.requested >= target) return false;
    entry.slots.push({ token: slot.token, expiresAt: slot.expiresAt });
    return true;
  }

  /**
   * Gives the account's stock back now and forgets the account (an event about it, a failed
   * attempt): nothing is handed out of it any more, and a refill in flight goes back on arrival.
   */
  drop(accountId: number): void {
    const entry = this.#entries.get(accountId);
    if (entry === undefined) return;
    this.#entries.delete(accountId);
    this.#track(this.#giveBack([entry]));
  }

  /** `drop` for every account. */
  dropAll(): void {
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    this.#track(this.#giveBack(entries));
  }

  /** Keeps the stock alive (and gives back what is no longer wanted) every `refreshMs`. */
  start(): void {
    if (!this.enabled || this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#track(this.#refresh()), this.#o.refreshMs);
    this.#timer.unref();
  }

  /** Stops stocking and gives every stocked slot back. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#flush();
    await Promise.all(this.#inFlight);
    await this.#giveBack([...this.#entries.values()]);
  }

  #entryFor(accountId: number, slotKey: string, concurrency: number, now: number): Entry {
    let entry = this.#entries.get(accountId);
    if (entry === undefined) {
      entry = { accountId, slotKey, concurrency, slots: [], requested: 0, lastTakenAt: now };
      this.#entries.set(accountId, entry);
    }
    entry.concurrency = concurrency;
    return entry;
  }

  #target(concurrency: number): number {
    if (concurrency < this.#o.minConcurrency) return 0;
    return Math.min(this.#o.max, Math.floor(concurrency / this.#o.minConcurrency));
  }

  #schedule(): void {
    if (this.#scheduled !== null) return;
    // After the answers are written, off their critical path, and several selects' worth at a
    // time: each write costs the replica a Redis call's CPU.
    this.#scheduled = setTimeout(() => this.#flush(), this.#o.writeDelayMs);
  }

  #track(work: Promise<void>): void {
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
  }

  #flush(): void {
    if (this.#scheduled === null) return;
    clearTimeout(this.#scheduled);
    this.#scheduled = null;
    const claims = this.#claims;
    const refills = [...this.#refills.values()];
    this.#claims = [];
    this.#refills = new Map();
    if (claims.length === 0 && refills.length === 0) return;
    this.#track(this.#write(claims, refills));
  }

  async #write(claims: HandOut[], refills: Refill[]): Promise<void> {
    const now = this.#o.clock();
    const expiresAt = now + this.#o.ttlMs;
    const keys: string[] = [];
    const args: (string | number)[] = [
      now,
      this.#o.markerTtlMs,
      this.#o.bindingTtlMs,
      expiresAt,
      claims.length,
      refills.length,
    ];
    for (const claim of claims) {
      keys.push(claim.markerKey, claim.sessionKey ?? claim.markerKey);
      args.push(`${claim.accountId}:${claim.token}`, claim.sessionKey === null ? '0' : '1');
    }
    for (const refill of refills) {
      keys.push(refill.entry.slotKey);
      args.push(refill.cap, refill.tokens.length, ...refill.tokens);
    }
    let reply: unknown;
    try {
      reply = await this.#scripts.flush(keys, args);
      if (!Array.isArray(reply) || reply.length !== claims.length + refills.length) {
        throw new UnexpectedReplyError('slot stock flush', reply);
      }
    } catch (error) {
      for (const refill of refills) refill.entry.requested -= refill.tokens.length;
      // The answers already went out: their slots stand, only the retry markers are missing.
      this.#o.logger.warn('slot stock write-behind failed', { error, claims: claims.length });
      return;
    }
    const unwanted: Entry[] = [];
    for (let i = 0; i < refills.length; i++) {
      const { entry, tokens } = refills[i]!;
      entry.requested -= tokens.length;
      const got = reply[claims.length + i] as number;
      for (let j = 0; j < got; j++) entry.slots.push({ token: tokens[j]!, expiresAt });
      if (this.#stopped || this.#entries.get(entry.accountId) !== entry) unwanted.push(entry);
    }
    // Stock that arrived after stop() began, or for an account dropped meanwhile, goes back.
    if (unwanted.length > 0) await this.#giveBack(unwanted);
  }

  async #refresh(): Promise<void> {
    const now = this.#o.clock();
    const keep: Entry[] = [];
    const drop: Entry[] = [];
    for (const entry of this.#entries.values()) {
      entry.slots = entry.slots.filter((slot) => slot.expiresAt > now);
      const wanted =
        now - entry.lastTakenAt <= this.#o.idleMs && this.#o.isSelectable(entry.accountId);
      if (!wanted) drop.push(entry);
      else if (entry.slots.length > 0) keep.push(entry);
    }
    for (const entry of drop) {
      if (entry.requested === 0) this.#entries.delete(entry.accountId);
    }
    try {
      await Promise.all([this.#giveBack(drop), this.#extend(keep, now)]);
    } catch (error) {
      this.#o.logger.warn('slot stock refresh failed', { error });
    }
  }

  /**
   * Pushes the entries' stocked slots out to a new expiry, or gives them back where the account
   * is three quarters full (STOCK_EXTEND_LUA). The slots leave the stock for the round trip, so
   * none can be handed out while the script may still give it back.
   */
  async #extend(entries: Entry[], now: number): Promise<void> {
    if (entries.length === 0) return;
    const expiresAt = now + this.#o.ttlMs;
    const slots = entries.map((entry) => entry.slots);
    const args: (string | number)[] = [expiresAt, now];
    for (let e = 0; e < entries.length; e++) {
      const entry = entries[e]!;
      const list = slots[e]!;
      entry.slots = [];
      entry.requested += list.length;
      args.push(stockCap(entry.concurrency), list.length, ...list.map((slot) => slot.token));
    }
    let flags: unknown[] | null = null;
    let failure: unknown = null;
    try {
      const reply = await this.#scripts.extend(
        entries.map((entry) => entry.slotKey),
        args,
      );
      const total = slots.reduce((n, list) => n + list.length, 0);
      if (!Array.isArray(reply) || reply.length !== total) {
        throw new UnexpectedReplyError('slot stock extend', reply);
      }
      flags = reply;
    } catch (error) {
      failure = error;
    }
    const unwanted: Entry[] = [];
    let i = 0;
    for (let e = 0; e < entries.length; e++) {
      const entry = entries[e]!;
      entry.requested -= slots[e]!.length;
      for (const slot of slots[e]!) {
        // After a failed call they are still held as far as anyone knows: back into stock, for
        // the next refresh to retry.
        if (flags === null) entry.slots.push(slot);
        else if (flags[i++] === 1) entry.slots.push({ token: slot.token, expiresAt });
      }
      // Dropped (or stopped) while the script ran: what it kept goes back.
      if (this.#stopped || this.#entries.get(entry.accountId) !== entry) unwanted.push(entry);
    }
    if (unwanted.length > 0) await this.#giveBack(unwanted);
    if (failure !== null) throw failure;
  }

  /** Gives the entries' stocked slots back; they leave the stock at once. */
  async #giveBack(entries: Entry[]): Promise<void> {
    const keys: string[] = [];
    const args: (string | number)[] = [];
    for (const entry of entries) {
      if (entry.slots.length === 0) continue;
      keys.push(entry.slotKey);
      args.push(entry.slots.length, ...entry.slots.map((slot) => slot.token));
      entry.slots = [];
    }
    if (keys.length === 0) return;
    try {
      await this.#scripts.giveBack(keys, args);
    } catch (error) {
      // They expire within ttlMs anyway.
      this.#o.logger.warn('giving slot stock back failed', { error });
    }
  }
}

/** Stock is taken and kept only below three quarters of the concurrency, every holder counted. */
function stockCap(concurrency: number): number {
  return concurrency - Math.ceil(concurrency / 4);
}
