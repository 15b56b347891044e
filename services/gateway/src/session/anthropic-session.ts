import { SessionSource, sessionDigest, textForHash } from './session-digest.js';

// Claude Code's metadata.user_id: `user_<hash>_account_<uuid>_session_<uuid>`.
const CLAUDE_CODE_SESSION = /_session_([0-9a-fA-F-]{8,})$/;

/**
 * The session of an Anthropic Messages request (README, "Session stickiness"):
 * 1. the session part of `metadata.user_id` (Claude Code sends one per conversation; newer
 *    versions send it as JSON with a `session_id`);
 * 2. else the content the client marked `cache_control` (the prefix it wants cached, which is
 *    exactly what must keep hitting the same account's prompt cache);
 * 3. else a hash of the API key, the system prompt and the first message.
 * Returns undefined when the request has nothing stable to hash (no messages).
 */
export function anthropicSessionHash(
  body: Readonly<Record<string, unknown>>,
  apiKeyId: number,
): string | undefined {
  const clientSession = claudeCodeSession(body.metadata);
  if (clientSession !== undefined) {
    return sessionDigest(SessionSource.ClientSession, [clientSession]);
  }
  const cached = cacheControlledText(body);
  if (cached.length > 0) return sessionDigest(SessionSource.CachedContent, cached);
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return undefined;
  return sessionDigest(SessionSource.ContentSeed, [
    String(apiKeyId),
    textForHash(body.system),
    textForHash((messages[0] as { content?: unknown } | null)?.content ?? messages[0]),
  ]);
}

function claudeCodeSession(metadata: unknown): string | undefined {
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const userId = (metadata as { user_id?: unknown }).user_id;
  if (typeof userId !== 'string' || userId === '') return undefined;
  const match = CLAUDE_CODE_SESSION.exec(userId);
  if (match !== null) return match[1];
  if (userId.startsWith('{')) {
    try {
      const parsed = JSON.parse(userId) as { session_id?: unknown };
      if (typeof parsed.session_id === 'string' && parsed.session_id !== '') {
        return parsed.session_id;
      }
    } catch {
      // Not JSON after all: no session part.
    }
  }
  return undefined;
}

/** Every block (system, then messages in order) carrying `cache_control`, as text. */
function cacheControlledText(body: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  collectMarked(body.system, out);
  const messages = body.messages;
  if (Array.isArray(messages)) {
    for (const message of messages) {
      if (typeof message === 'object' && message !== null) {
        collectMarked((message as { content?: unknown }).content, out);
      }
    }
  }
  return out;
}

function collectMarked(blocks: unknown, out: string[]): void {
  if (!Array.isArray(blocks)) return;
  for (const block of blocks) {
    if (typeof block !== 'object' || block === null) continue;
    const b = block as { cache_control?: unknown; text?: unknown };
    if (b.cache_control === undefined || b.cache_control === null) continue;
    out.push(typeof b.text === 'string' ? b.text : JSON.stringify(block));
  }
}
