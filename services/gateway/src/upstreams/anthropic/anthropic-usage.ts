import { JsonBodyReader } from '../json-body-reader.js';
import { lastObjectMember } from '../json-member.js';
import type { ResponseFacts, ResponseReader } from '../response-reader.js';
import { SseDataLines, parseJsonOrUndefined } from '../sse-lines.js';
import { emptyUsage, tokenCount, type TokenUsage } from '../token-usage.js';

type AnthropicUsage = {
  input_tokens?: unknown;
  output_tokens?: unknown;
  cache_creation_input_tokens?: unknown;
  cache_read_input_tokens?: unknown;
};

/** Overlays the fields an Anthropic `usage` object carries (message_delta repeats only some). */
function applyUsage(into: TokenUsage, usage: AnthropicUsage | undefined): void {
  if (usage === undefined || usage === null || typeof usage !== 'object') return;
  if (usage.input_tokens !== undefined) into.inputTokens = tokenCount(usage.input_tokens);
  if (usage.output_tokens !== undefined) into.outputTokens = tokenCount(usage.output_tokens);
  if (usage.cache_creation_input_tokens !== undefined) {
    into.cacheCreationTokens = tokenCount(usage.cache_creation_input_tokens);
  }
  if (usage.cache_read_input_tokens !== undefined) {
    into.cacheReadTokens = tokenCount(usage.cache_read_input_tokens);
  }
}

/**
 * Usage of an Anthropic Messages stream: `message_start` carries the input side (and a
 * provisional output count), each `message_delta` the running output count. Content deltas —
 * nearly every line — are not parsed.
 */
class AnthropicStreamReader implements ResponseReader {
  readonly #usage = emptyUsage();
  readonly #lines = new SseDataLines((data) => this.#onData(data));

  push(chunk: Buffer): void {
    this.#lines.push(chunk);
  }

  finish(): ResponseFacts {
    this.#lines.end();
    return { usage: this.#usage };
  }

  #onData(data: string): void {
    if (!data.includes('"message_start"') && !data.includes('"message_delta"')) return;
    const event = parseJsonOrUndefined(data) as
      { type?: unknown; message?: { usage?: AnthropicUsage }; usage?: AnthropicUsage } | undefined;
    if (event?.type === 'message_start') applyUsage(this.#usage, event.message?.usage);
    else if (event?.type === 'message_delta') applyUsage(this.#usage, event.usage);
  }
}

/** Reads an Anthropic Messages answer (streamed or not) for its token usage. */
export function anthropicMessagesReader(stream: boolean): ResponseReader {
  if (stream) return new AnthropicStreamReader();
  return new JsonBodyReader((text) => {
    const usage = emptyUsage();
    applyUsage(usage, lastObjectMember(text, 'usage') as AnthropicUsage | undefined);
    return { usage };
  });
}

/** count_tokens answers bill nothing. */
export function anthropicCountTokensReader(): ResponseReader {
  return new JsonBodyReader(() => ({ usage: emptyUsage() }));
}
