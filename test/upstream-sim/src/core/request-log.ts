import type { Platform } from './platform.js';

/** One API call the sim received, for assertions. */
export interface RequestLogEntry {
  /** Increases by one per logged request; survives `clear()` so `since` filters stay valid. */
  readonly seq: number;
  /** Epoch ms when the request arrived. */
  readonly time: number;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  /** Endpoint name, e.g. `anthropic.messages`, `openai.responses`, `oauth.token`. */
  readonly endpoint: string;
  readonly platform: Platform | null;
  /** The credential whose behaviour applied (an OAuth access token maps to its refresh token). */
  credential: string | null;
  /** The credential exactly as presented (API key, bearer or access token). */
  presentedCredential: string | null;
  model: string | null;
  stream: boolean;
  /** Request headers without the secret ones (authorization, x-api-key, x-goog-api-key, cookie). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** HTTP status sent; 0 when the connection was reset before a status; null while running. */
  status: number | null;
  /** The fault applied: `status:429`, `reset_before`, `reset_mid_stream`, or null. */
  fault: string | null;
  /** How the exchange ended. */
  outcome: 'pending' | 'completed' | 'reset' | 'client_closed';
  /** ms from arrival to the end of the response; null while running. */
  durationMs: number | null;
}

export interface RequestLogFilter {
  readonly credential?: string;
  readonly path?: string;
  readonly endpoint?: string;
  /** Only entries with seq > since. */
  readonly since?: number;
  /** At most this many, the most recent ones. */
  readonly limit?: number;
}

// 10,000: a whole e2e run fits, and the memory stays bounded during benchmarks.
export const DEFAULT_LOG_CAPACITY = 10_000;

/** A bounded log: a ring buffer that drops the oldest entries. */
export class RequestLog {
  readonly #capacity: number;
  #entries: RequestLogEntry[] = [];
  #start = 0;
  #seq = 0;

  constructor(capacity = DEFAULT_LOG_CAPACITY) {
    this.#capacity = Math.max(1, capacity);
  }

  nextSeq(): number {
    this.#seq += 1;
    return this.#seq;
  }

  add(entry: RequestLogEntry): void {
    if (this.#entries.length < this.#capacity) {
      this.#entries.push(entry);
      return;
    }
    this.#entries[this.#start] = entry;
    this.#start = (this.#start + 1) % this.#capacity;
  }

  /** Entries in arrival order. */
  list(filter: RequestLogFilter = {}): RequestLogEntry[] {
    const ordered = this.#entries.slice(this.#start).concat(this.#entries.slice(0, this.#start));
    const matched = ordered.filter(
      (e) =>
        (filter.credential === undefined ||
          e.credential === filter.credential ||
          e.presentedCredential === filter.credential) &&
        (filter.path === undefined || e.path === filter.path) &&
        (filter.endpoint === undefined || e.endpoint === filter.endpoint) &&
        (filter.since === undefined || e.seq > filter.since),
    );
    if (filter.limit === undefined) return matched;
    return filter.limit <= 0 ? [] : matched.slice(-filter.limit);
  }

  clear(): void {
    this.#entries = [];
    this.#start = 0;
  }
}
