import { BoundedMap } from './bounded-map.js';

// 100,000 ids: every response of a long benchmark run can still be chained.
const CAPACITY = 100_000;

/**
 * Responses API ids the sim produced, per credential, with the conversation size they carry:
 * a follow-up that names one as previous_response_id is billed for that context again.
 */
export class ResponseStore {
  readonly #byId = new BoundedMap<string, { credential: string; contextTokens: number }>(CAPACITY);

  remember(id: string, credential: string, contextTokens: number): void {
    this.#byId.set(id, { credential, contextTokens });
  }

  /** Context tokens of a response this credential produced, or undefined when unknown to it. */
  contextTokens(id: string, credential: string): number | undefined {
    const entry = this.#byId.get(id);
    return entry !== undefined && entry.credential === credential ? entry.contextTokens : undefined;
  }

  clear(): void {
    this.#byId.clear();
  }
}
