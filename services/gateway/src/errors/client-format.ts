/**
 * The wire dialect a client speaks, and so the shape its errors must take: an SDK only
 * understands its own vendor's error body.
 */
export const ClientFormat = {
  Anthropic: 'anthropic',
  OpenAI: 'openai',
  Gemini: 'gemini',
} as const;

export type ClientFormat = (typeof ClientFormat)[keyof typeof ClientFormat];

export const CLIENT_FORMATS = [
  ClientFormat.Anthropic,
  ClientFormat.OpenAI,
  ClientFormat.Gemini,
] as const satisfies readonly ClientFormat[];

/**
 * The format of a request judged by its path alone, for answers given before a route matched
 * (unknown route, unparsable body): `/v1/messages…` is Anthropic, `/v1beta…` (also under
 * `/antigravity`) is Gemini, anything else OpenAI — the most widely imitated shape.
 */
export function formatForPath(path: string): ClientFormat {
  const p = path.startsWith('/antigravity/') ? path.slice('/antigravity'.length) : path;
  if (p === '/v1/messages' || p.startsWith('/v1/messages/') || p.startsWith('/v1/messages?')) {
    return ClientFormat.Anthropic;
  }
  if (p === '/v1beta' || p.startsWith('/v1beta/') || p.startsWith('/v1beta?')) {
    return ClientFormat.Gemini;
  }
  return ClientFormat.OpenAI;
}
