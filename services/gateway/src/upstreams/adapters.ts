import type { Platform } from '@switchyard/domain';
import { anthropicAdapter } from './anthropic/anthropic-adapter.js';
import {
  anthropicCountTokensReader,
  anthropicMessagesReader,
} from './anthropic/anthropic-usage.js';
import { antigravityAdapter } from './antigravity/antigravity-adapter.js';
import { Endpoint } from './endpoint.js';
import { geminiAdapter } from './gemini/gemini-adapter.js';
import { geminiReader } from './gemini/gemini-usage.js';
import { openAiAdapter } from './openai/openai-adapter.js';
import { noUsageReader, openAiChatReader, openAiResponsesReader } from './openai/openai-usage.js';
import type { ResponseReader } from './response-reader.js';
import type { UpstreamAdapter } from './upstream-target.js';

const ADAPTERS: Readonly<Record<Platform, UpstreamAdapter>> = {
  anthropic: anthropicAdapter,
  openai: openAiAdapter,
  gemini: geminiAdapter,
  antigravity: antigravityAdapter,
};

/** The adapter for an account's platform. */
export function adapterFor(platform: Platform): UpstreamAdapter {
  return ADAPTERS[platform];
}

/** A reader for the answer of an endpoint: the answer's dialect is the request's. */
export function readerFor(endpoint: Endpoint, stream: boolean, sse: boolean): ResponseReader {
  switch (endpoint) {
    case Endpoint.AnthropicMessages:
      return anthropicMessagesReader(stream);
    case Endpoint.AnthropicCountTokens:
      return anthropicCountTokensReader();
    case Endpoint.OpenAIChat:
      return openAiChatReader(stream);
    case Endpoint.OpenAIResponses:
      return openAiResponsesReader(stream);
    case Endpoint.GeminiGenerate:
    case Endpoint.GeminiStreamGenerate:
      return geminiReader(stream, sse);
    case Endpoint.OpenAIModels:
    case Endpoint.GeminiModels:
      return noUsageReader();
  }
}
