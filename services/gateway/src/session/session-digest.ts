import { hash } from 'node:crypto';

/** Where a session hash came from; part of the digest so two rules never collide. */
export const SessionSource = {
  /** Claude Code's `metadata.user_id` session part. */
  ClientSession: 'client-session',
  /** A session id the client sent (OpenAI `session_id` / `conversation_id` / `x-session-id`). */
  SessionHeader: 'session-header',
  /** OpenAI `prompt_cache_key`. */
  PromptCacheKey: 'prompt-cache-key',
  /** The content the client marked `cache_control` (Anthropic). */
  CachedContent: 'cached-content',
  /** A hash of the conversation's stable opening. */
  ContentSeed: 'content-seed',
} as const;

export type SessionSource = (typeof SessionSource)[keyof typeof SessionSource];

/**
 * 128 bits of SHA-256 in hex over the source and the parts, NUL-separated so that
 * ("ab", "c") and ("a", "bc") differ. 128 bits: no two live sessions collide, and the hash is
 * short enough to sit in a Redis key as is.
 */
export function sessionDigest(source: SessionSource, parts: readonly string[]): string {
  // One-shot over the joined text: the same bytes as hashing the pieces one after another,
  // without a Hash object per request.
  let text: string = source;
  for (const part of parts) text += '\u0000' + part;
  return hash('sha256', text, 'hex').slice(0, 32);
}

/** Text of a JSON value for hashing: strings as they are, anything else as JSON. */
export function textForHash(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
