import { jsonReply } from '../http/reply.js';
import { anthropicDialect } from '../wire/anthropic-dialect.js';
import { geminiDialect } from '../wire/gemini-dialect.js';
import { openAiDialect } from '../wire/openai-dialect.js';
import { AuthStyle } from './endpoint.js';
import type { Endpoint } from './endpoint.js';

// Model ids as the vendors publish them; the sim answers any model id, these are only listed.
const ANTHROPIC_MODELS = [
  ['claude-opus-4-1-20250805', 'Claude Opus 4.1', '2025-08-05T00:00:00Z'],
  ['claude-sonnet-4-5-20250929', 'Claude Sonnet 4.5', '2025-09-29T00:00:00Z'],
  ['claude-haiku-4-5-20251001', 'Claude Haiku 4.5', '2025-10-01T00:00:00Z'],
] as const;

const OPENAI_MODELS = [
  ['gpt-5', 1754425777],
  ['gpt-5-codex', 1757894400],
  ['gpt-4.1', 1744316542],
  ['gpt-4o', 1715367049],
  ['gpt-4o-mini', 1721172741],
] as const;

const GEMINI_MODELS = [
  ['gemini-2.5-pro', 'Gemini 2.5 Pro'],
  ['gemini-2.5-flash', 'Gemini 2.5 Flash'],
  ['gemini-2.0-flash', 'Gemini 2.0 Flash'],
] as const;

const list = (
  name: string,
  auth: Endpoint['auth'],
  dialect: Endpoint['dialect'],
  body: unknown,
): Endpoint => ({
  name,
  dialect,
  auth,
  parse: () => ({
    model: null,
    stream: false,
    respond: () => jsonReply(200, body, dialect.requestHeaders()),
  }),
});

/** `GET /v1/models` with Anthropic headers. */
export const anthropicModels = list('anthropic.models', AuthStyle.Anthropic, anthropicDialect, {
  data: ANTHROPIC_MODELS.map(([id, display_name, created_at]) => ({
    type: 'model',
    id,
    display_name,
    created_at,
  })),
  has_more: false,
  first_id: ANTHROPIC_MODELS[0][0],
  last_id: ANTHROPIC_MODELS[ANTHROPIC_MODELS.length - 1]![0],
});

/** `GET /v1/models`. */
export const openAiModels = list('openai.models', AuthStyle.OpenAI, openAiDialect, {
  object: 'list',
  data: OPENAI_MODELS.map(([id, created]) => ({
    id,
    object: 'model',
    created,
    owned_by: 'system',
  })),
});

/** `GET /v1beta/models`. */
export const geminiModels = list('gemini.models', AuthStyle.Gemini, geminiDialect, {
  models: GEMINI_MODELS.map(([id, displayName]) => ({
    name: `models/${id}`,
    version: '001',
    displayName,
    description: displayName,
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: ['generateContent', 'countTokens'],
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
  })),
});
