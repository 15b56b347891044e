/** Request headers as node gives them (lower-case names). */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

function single(value: string | readonly string[] | undefined): string | undefined {
  const v = typeof value === 'string' ? value : value?.[0];
  const trimmed = v?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

const BEARER = /^bearer\s+(\S+)$/i;

/**
 * The client's API key, wherever its SDK puts it: `Authorization: Bearer` (OpenAI, Claude Code
 * OAuth-style), `x-api-key` (Anthropic), `x-goog-api-key` (Google GenAI) or Gemini's `?key=`
 * query parameter, in that order. Undefined when none is present.
 */
export function extractApiKey(headers: HeaderBag, query?: unknown): string | undefined {
  const authorization = single(headers['authorization']);
  const bearer = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
  if (bearer !== undefined) return bearer;
  const fromHeader = single(headers['x-api-key']) ?? single(headers['x-goog-api-key']);
  if (fromHeader !== undefined) return fromHeader;
  if (typeof query === 'object' && query !== null) {
    const key = (query as Record<string, unknown>)['key'];
    if (typeof key === 'string' && key.trim() !== '') return key.trim();
  }
  return undefined;
}
