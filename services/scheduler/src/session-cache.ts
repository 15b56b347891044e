/**
 * The session bindings this replica saw last (session binding key → account, or null for "no
 * binding"), so a select of a known session can decide before reading Redis. Never trusted
 * blindly: the acquire round trip checks the binding and refuses to act when it moved (another
 * replica rebound or dropped it), and the select then decides again on what Redis holds.
 * An unknown session is assumed unbound — right for every new conversation — and checked alike.
 *
 * Bounded: the oldest entries go first (Map insertion order; a hit re-inserts).
 */
export class SessionCache {
  readonly #capacity: number;
  readonly #entries = new Map<string, number | null>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The remembered binding; null (unbound) when the session was never seen. */
  get(key: string): number | null {
    const value = this.#entries.get(key);
    if (value === undefined) return null;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** Whether this replica has seen the session's binding (or its absence). */
  has(key: string): boolean {
    return this.#entries.has(key);
  }

  set(key: string, accountId: number | null): void {
    this.#entries.delete(key);
    this.#entries.set(key, accountId);
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
