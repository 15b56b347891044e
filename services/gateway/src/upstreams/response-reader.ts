import type { TokenUsage } from './token-usage.js';

/** What the gateway learns from an upstream answer as it passes through. */
export type ResponseFacts = {
  usage: TokenUsage;
  /** The upstream's response id (OpenAI Responses API), for `previous_response_id` bindings. */
  responseId?: string | undefined;
};

/**
 * Watches an upstream answer go by without changing it: `push` sees every body chunk in order
 * (cheap: no per-chunk JSON parse on the hot path), `finish` reads the usage at the end.
 */
export interface ResponseReader {
  push(chunk: Buffer): void;
  finish(): ResponseFacts;
}
