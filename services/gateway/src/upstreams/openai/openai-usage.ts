import { JsonBodyReader } from '../json-body-reader.js';
import { firstStringMember, lastObjectMember } from '../json-member.js';
import type { ResponseFacts, ResponseReader } from '../response-reader.js';
import { SseDataLines, parseJsonOrUndefined } from '../sse-lines.js';
import { emptyUsage, tokenCount, type TokenUsage } from '../token-usage.js';

type ChatUsage = {
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
  prompt_tokens_details?: { cached_tokens?: unknown } | null;
};

type ResponsesUsage = {
  input_tokens?: unknown;
  output_tokens?: unknown;
  input_tokens_details?: { cached_tokens?: unknown } | null;
};

/** OpenAI counts cached tokens inside the prompt; ours keeps them apart. */
function fromChat(usage: ChatUsage | null | undefined): TokenUsage {
  const out = emptyUsage();
  if (usage === null || usage === undefined) return out;
  const cached = tokenCount(usage.prompt_tokens_details?.cached_tokens);
  out.cacheReadTokens = cached;
  out.inputTokens = Math.max(0, tokenCount(usage.prompt_tokens) - cached);
  out.outputTokens = tokenCount(usage.completion_tokens);
  return out;
}

function fromResponses(usage: ResponsesUsage | null | undefined): TokenUsage {
  const out = emptyUsage();
  if (usage === null || usage === undefined) return out;
  const cached = tokenCount(usage.input_tokens_details?.cached_tokens);
  out.cacheReadTokens = cached;
  out.inputTokens = Math.max(0, tokenCount(usage.input_tokens) - cached);
  out.outputTokens = tokenCount(usage.output_tokens);
  return out;
}

const USAGE_OBJECT = /"usage"\s*:\s*\{/;

/** Chat stream: the usage arrives in the last chunk (`stream_options.include_usage`). */
class ChatStreamReader implements ResponseReader {
  #usage = emptyUsage();
  readonly #lines = new SseDataLines((data) => {
    if (!USAGE_OBJECT.test(data)) return;
    const chunk = parseJsonOrUndefined(data) as { usage?: ChatUsage | null } | undefined;
    if (chunk?.usage) this.#usage = fromChat(chunk.usage);
  });

  push(chunk: Buffer): void {
    this.#lines.push(chunk);
  }

  finish(): ResponseFacts {
    this.#lines.end();
    return { usage: this.#usage };
  }
}

const RESPONSE_EVENTS = [
  '"response.created"',
  '"response.completed"',
  '"response.incomplete"',
  '"response.failed"',
];

/** Responses stream: the id comes with `response.created`, the usage with the final event. */
class ResponsesStreamReader implements ResponseReader {
  #usage = emptyUsage();
  #responseId: string | undefined;
  readonly #lines = new SseDataLines((data) => {
    if (!RESPONSE_EVENTS.some((e) => data.includes(e))) return;
    const event = parseJsonOrUndefined(data) as
      { response?: { id?: unknown; usage?: ResponsesUsage | null } } | undefined;
    const response = event?.response;
    if (response === undefined) return;
    if (typeof response.id === 'string') this.#responseId = response.id;
    if (response.usage) this.#usage = fromResponses(response.usage);
  });

  push(chunk: Buffer): void {
    this.#lines.push(chunk);
  }

  finish(): ResponseFacts {
    this.#lines.end();
    return { usage: this.#usage, responseId: this.#responseId };
  }
}

export function openAiChatReader(stream: boolean): ResponseReader {
  if (stream) return new ChatStreamReader();
  return new JsonBodyReader((text) => ({
    usage: fromChat(lastObjectMember(text, 'usage') as ChatUsage | undefined),
  }));
}

export function openAiResponsesReader(stream: boolean): ResponseReader {
  if (stream) return new ResponsesStreamReader();
  // The response's own id is its first member; message ids come later, inside `output`.
  return new JsonBodyReader((text) => ({
    usage: fromResponses(lastObjectMember(text, 'usage') as ResponsesUsage | undefined),
    responseId: firstStringMember(text, 'id'),
  }));
}

/** Model lists bill nothing. */
export function noUsageReader(): ResponseReader {
  return new JsonBodyReader(() => ({ usage: emptyUsage() }));
}
