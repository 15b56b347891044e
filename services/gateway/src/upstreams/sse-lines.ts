import { StringDecoder } from 'node:string_decoder';

/**
 * Splits an SSE byte stream into `data:` payloads as chunks arrive (a payload may span chunks;
 * UTF-8 is decoded across chunk boundaries). Only `data:` lines are handed on: readers look for
 * usage in them, everything else (event names, comments) is skipped.
 */
export class SseDataLines {
  readonly #decoder = new StringDecoder('utf8');
  readonly #onData: (data: string) => void;
  #carry = '';

  constructor(onData: (data: string) => void) {
    this.#onData = onData;
  }

  push(chunk: Buffer): void {
    const text = this.#carry + this.#decoder.write(chunk);
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.#line(text, start, nl);
      start = nl + 1;
    }
    this.#carry = start === 0 ? text : text.slice(start);
  }

  /** Flushes a last line that had no newline. */
  end(): void {
    const rest = this.#carry + this.#decoder.end();
    this.#carry = '';
    if (rest !== '') this.#line(rest, 0, rest.length);
  }

  #line(text: string, start: number, end: number): void {
    if (!text.startsWith('data:', start)) return;
    let from = start + 5;
    if (text.charCodeAt(from) === 32) from++;
    let to = end;
    if (to > from && text.charCodeAt(to - 1) === 13) to--;
    this.#onData(text.slice(from, to));
  }
}

/** JSON.parse that returns undefined instead of throwing. */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
