import { SessionSource, sessionDigest, textForHash } from './session-digest.js';

/** Request headers as node gives them (lower-case names). */
export type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

// Codex CLI sends `session_id`; others send `conversation_id` or `x-session-id`.
const SESSION_HEADERS = ['session_id', 'conversation_id', 'x-session-id'] as const;

/**
 * The session of an OpenAI Chat Completions or Responses request (README, "Session
 * stickiness"): a session header, else `prompt_cache_key`, else a content seed — model, tools,
 * instructions (or system / developer messages) and the first user message. Returns undefined
 * when there is no seed at all (no input).
 */
export function openAiSessionHash(
  body: Readonly<Record<string, unknown>>,
  headers: HeaderBag,
): string | undefined {
  for (const name of SESSION_HEADERS) {
    const value = headerValue(headers[name]);
    if (value !== undefined) return sessionDigest(SessionSource.SessionHeader, [value]);
  }
  const cacheKey = body.prompt_cache_key;
  if (typeof cacheKey === 'string' && cacheKey !== '') {
    return sessionDigest(SessionSource.PromptCacheKey, [cacheKey]);
  }
  const seed = contentSeed(body);
  if (seed === undefined) return undefined;
  return sessionDigest(SessionSource.ContentSeed, [
    textForHash(body.model),
    textForHash(body.tools),
    seed.instructions,
    seed.firstUser,
  ]);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

type Seed = { instructions: string; firstUser: string };

/** Instructions and first user turn, from `messages` (chat) or `instructions` + `input` (responses). */
function contentSeed(body: Readonly<Record<string, unknown>>): Seed | undefined {
  if (Array.isArray(body.messages)) return seedFromItems(body.messages, '');
  const instructions = textForHash(body.instructions);
  const input = body.input;
  if (typeof input === 'string') return { instructions, firstUser: input };
  if (Array.isArray(input)) return seedFromItems(input, instructions);
  return undefined;
}

function seedFromItems(items: readonly unknown[], instructions: string): Seed | undefined {
  const system: string[] = instructions === '' ? [] : [instructions];
  for (const item of items) {
    if (typeof item !== 'object' || item === null) continue;
    const { role, content } = item as { role?: unknown; content?: unknown };
    if (role === 'system' || role === 'developer') system.push(textForHash(content));
    else if (role === 'user')
      return { instructions: system.join('\n'), firstUser: textForHash(content) };
  }
  return system.length > 0 ? { instructions: system.join('\n'), firstUser: '' } : undefined;
}
