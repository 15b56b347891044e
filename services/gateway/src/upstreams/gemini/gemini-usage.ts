import { JsonBodyReader } from '../json-body-reader.js';
import { lastObjectMember } from '../json-member.js';
import type { ResponseFacts, ResponseReader } from '../response-reader.js';
import { SseDataLines, parseJsonOrUndefined } from '../sse-lines.js';
import { emptyUsage, tokenCount, type TokenUsage } from '../token-usage.js';

type UsageMetadata = {
  promptTokenCount?: unknown;
  candidatesTokenCount?: unknown;
  cachedContentTokenCount?: unknown;
  thoughtsTokenCount?: unknown;
};

type GeminiChunk = { usageMetadata?: UsageMetadata; response?: { usageMetadata?: UsageMetadata } };

/** Gemini counts cached tokens inside the prompt, and thinking tokens apart from the answer. */
function fromMetadata(meta: UsageMetadata | undefined): TokenUsage {
  const out = emptyUsage();
  if (meta === undefined || meta === null) return out;
  const cached = tokenCount(meta.cachedContentTokenCount);
  out.cacheReadTokens = cached;
  out.inputTokens = Math.max(0, tokenCount(meta.promptTokenCount) - cached);
  out.outputTokens = tokenCount(meta.candidatesTokenCount) + tokenCount(meta.thoughtsTokenCount);
  return out;
}

function metadataOf(chunk: unknown): UsageMetadata | undefined {
  const c = chunk as GeminiChunk | undefined;
  return c?.usageMetadata ?? c?.response?.usageMetadata;
}

/**
 * SSE stream (`alt=sse`): every chunk repeats the running usage, so only the last chunk that
 * has one is parsed, once, at the end.
 */
class GeminiSseReader implements ResponseReader {
  #last: string | undefined;
  readonly #lines = new SseDataLines((data) => {
    if (data.includes('"usageMetadata"')) this.#last = data;
  });

  push(chunk: Buffer): void {
    this.#lines.push(chunk);
  }

  finish(): ResponseFacts {
    this.#lines.end();
    return {
      usage: fromMetadata(
        this.#last === undefined ? undefined : metadataOf(parseJsonOrUndefined(this.#last)),
      ),
    };
  }
}

/**
 * Reads a Gemini answer: one JSON object, an SSE stream, or (streamGenerateContent without
 * `alt=sse`) one JSON array of chunks, whose last chunk with usage counts.
 */
export function geminiReader(stream: boolean, sse: boolean): ResponseReader {
  if (stream && sse) return new GeminiSseReader();
  // One object or a JSON array of chunks: either way the last usageMetadata is the final one.
  return new JsonBodyReader((text) => ({
    usage: fromMetadata(lastObjectMember(text, 'usageMetadata') as UsageMetadata | undefined),
  }));
}
