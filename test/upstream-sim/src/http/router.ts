import type { IncomingHttpHeaders } from 'node:http';
import { Platform } from '../core/platform.js';
import { anthropicCountTokens, anthropicMessages } from '../endpoints/anthropic-messages.js';
import type { Endpoint } from '../endpoints/endpoint.js';
import {
  antigravityGenerate,
  antigravityStreamGenerate,
  geminiCountTokens,
  geminiGenerate,
  geminiStreamGenerate,
} from '../endpoints/gemini-generate.js';
import { anthropicModels, geminiModels, openAiModels } from '../endpoints/model-lists.js';
import { openAiChat } from '../endpoints/openai-chat.js';
import { codexResponses, openAiResponses } from '../endpoints/openai-responses.js';

/** A vendor API call, routed. */
export interface Route {
  readonly endpoint: Endpoint;
  readonly platform: Platform;
  /** The model named in the path (Gemini), if any. */
  readonly pathModel: string | null;
}

const ANTIGRAVITY_PREFIX = '/antigravity';
const GEMINI_MODELS_PREFIX = '/v1beta/models/';

const GEMINI_METHODS: Record<string, Endpoint> = {
  generateContent: geminiGenerate,
  streamGenerateContent: geminiStreamGenerate,
  countTokens: geminiCountTokens,
};

const ANTHROPIC_POSTS: Record<string, Endpoint> = {
  '/v1/messages': anthropicMessages,
  '/v1/messages/count_tokens': anthropicCountTokens,
};

const OPENAI_POSTS: Record<string, Endpoint> = {
  '/v1/chat/completions': openAiChat,
  '/v1/responses': openAiResponses,
  '/backend-api/codex/responses': codexResponses,
};

const ANTIGRAVITY_POSTS: Record<string, Endpoint> = {
  '/v1internal:generateContent': antigravityGenerate,
  '/v1internal:streamGenerateContent': antigravityStreamGenerate,
};

function geminiRoute(path: string, platform: Platform): Route | null {
  const rest = path.slice(GEMINI_MODELS_PREFIX.length);
  const colon = rest.lastIndexOf(':');
  if (colon <= 0) return null;
  const endpoint = GEMINI_METHODS[rest.slice(colon + 1)];
  if (endpoint === undefined) return null;
  try {
    return { endpoint, platform, pathModel: decodeURIComponent(rest.slice(0, colon)) };
  } catch {
    return null;
  }
}

/**
 * The vendor endpoint for a request, or null. Antigravity serves the Anthropic and Gemini
 * routes (and its own v1internal ones) under `/antigravity`. `GET /v1/models` is Anthropic's
 * when the request carries Anthropic headers, OpenAI's otherwise.
 */
export function routeRequest(
  method: string,
  fullPath: string,
  headers: IncomingHttpHeaders,
): Route | null {
  const antigravity = fullPath.startsWith(`${ANTIGRAVITY_PREFIX}/`);
  const path = antigravity ? fullPath.slice(ANTIGRAVITY_PREFIX.length) : fullPath;
  const own = (platform: Platform): Platform => (antigravity ? Platform.Antigravity : platform);
  if (method === 'POST') {
    const anthropic = ANTHROPIC_POSTS[path];
    if (anthropic !== undefined)
      return { endpoint: anthropic, platform: own(Platform.Anthropic), pathModel: null };
    if (path.startsWith(GEMINI_MODELS_PREFIX)) return geminiRoute(path, own(Platform.Gemini));
    const table = antigravity ? ANTIGRAVITY_POSTS : OPENAI_POSTS;
    const endpoint = table[path];
    if (endpoint === undefined) return null;
    return { endpoint, platform: own(Platform.OpenAI), pathModel: null };
  }
  if (method === 'GET') {
    if (path === '/v1/models') {
      const isAnthropic =
        antigravity ||
        headers['anthropic-version'] !== undefined ||
        headers['x-api-key'] !== undefined;
      return isAnthropic
        ? { endpoint: anthropicModels, platform: own(Platform.Anthropic), pathModel: null }
        : { endpoint: openAiModels, platform: Platform.OpenAI, pathModel: null };
    }
    if (path === '/v1beta/models')
      return { endpoint: geminiModels, platform: own(Platform.Gemini), pathModel: null };
  }
  return null;
}
