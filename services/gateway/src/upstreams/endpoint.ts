import type { ClientFormat } from '../errors/index.js';

/** A client API operation the gateway relays. The upstream speaks the same dialect. */
export const Endpoint = {
  AnthropicMessages: 'anthropic.messages',
  AnthropicCountTokens: 'anthropic.count_tokens',
  OpenAIChat: 'openai.chat',
  OpenAIResponses: 'openai.responses',
  OpenAIModels: 'openai.models',
  GeminiGenerate: 'gemini.generate',
  GeminiStreamGenerate: 'gemini.stream_generate',
  GeminiModels: 'gemini.models',
} as const;

export type Endpoint = (typeof Endpoint)[keyof typeof Endpoint];

const FORMAT: Readonly<Record<Endpoint, ClientFormat>> = {
  'anthropic.messages': 'anthropic',
  'anthropic.count_tokens': 'anthropic',
  'openai.chat': 'openai',
  'openai.responses': 'openai',
  'openai.models': 'openai',
  'gemini.generate': 'gemini',
  'gemini.stream_generate': 'gemini',
  'gemini.models': 'gemini',
};

/** The wire dialect of an endpoint: its requests, answers and errors. */
export function endpointFormat(endpoint: Endpoint): ClientFormat {
  return FORMAT[endpoint];
}

/** Model listings carry no model and bill nothing. */
export function isModelListing(endpoint: Endpoint): boolean {
  return endpoint === Endpoint.OpenAIModels || endpoint === Endpoint.GeminiModels;
}
