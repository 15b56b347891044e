import type { ResponseFacts, ResponseReader } from './response-reader.js';

/**
 * A reader for a non-streamed answer: keeps the chunks and, at the end (after the answer was
 * sent on to the client), hands the whole text to `read`, which picks out what it needs (see
 * lastObjectMember) rather than parsing the answer.
 */
export class JsonBodyReader implements ResponseReader {
  readonly #chunks: Buffer[] = [];
  readonly #read: (text: string) => ResponseFacts;

  constructor(read: (text: string) => ResponseFacts) {
    this.#read = read;
  }

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
  }

  finish(): ResponseFacts {
    const body = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
    return this.#read(body.toString('utf8'));
  }
}
