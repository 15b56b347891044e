import type { IncomingHttpHeaders } from 'node:http';
import { AuthStyle } from '../endpoints/endpoint.js';

function bearer(headers: IncomingHttpHeaders): string | null {
  const value = headers.authorization;
  if (value === undefined) return null;
  const match = /^Bearer\s+(\S.*)$/i.exec(value);
  return match === null ? null : match[1]!.trim();
}

function header(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The credential a request presents, where its vendor looks for one. */
export function presentedCredential(
  style: AuthStyle,
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
): string | null {
  switch (style) {
    case AuthStyle.Anthropic:
      return header(headers, 'x-api-key') ?? bearer(headers);
    case AuthStyle.OpenAI:
      return bearer(headers);
    case AuthStyle.Gemini:
      return header(headers, 'x-goog-api-key') ?? (query.get('key') || null) ?? bearer(headers);
  }
}

const SECRET_HEADERS = new Set(['authorization', 'x-api-key', 'x-goog-api-key', 'cookie']);

/** Request headers fit for the log: single values, secrets left out. */
export function loggableHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    if (SECRET_HEADERS.has(name)) continue;
    const value = headers[name];
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
