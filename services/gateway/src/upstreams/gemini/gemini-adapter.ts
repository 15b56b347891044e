import { Endpoint } from '../endpoint.js';
import {
  UnsupportedEndpointError,
  type UpstreamAdapter,
  type UpstreamCall,
  type UpstreamTarget,
} from '../upstream-target.js';

/**
 * Gemini headers and auth: `x-goog-api-key` for API keys, `Authorization: Bearer` for OAuth
 * tokens. The client's own `?key=` never travels upstream: the query is rebuilt here.
 */
export function geminiHeaders(call: UpstreamCall, post: boolean): Record<string, string> {
  const headers: Record<string, string> =
    call.account.type === 'oauth'
      ? { authorization: `Bearer ${call.secret}` }
      : { 'x-goog-api-key': call.secret };
  if (post) headers['content-type'] = 'application/json';
  return headers;
}

/** The upstream call of a Gemini-format endpoint against `baseUrl`. */
export function geminiTarget(call: UpstreamCall): UpstreamTarget {
  switch (call.endpoint) {
    case Endpoint.GeminiModels:
      return {
        url: `${call.baseUrl}/v1beta/models`,
        method: 'GET',
        headers: geminiHeaders(call, false),
      };
    case Endpoint.GeminiGenerate:
    case Endpoint.GeminiStreamGenerate: {
      const model = encodeURIComponent(call.upstreamModel ?? '');
      const method =
        call.endpoint === Endpoint.GeminiGenerate ? 'generateContent' : 'streamGenerateContent';
      const query = call.endpoint === Endpoint.GeminiStreamGenerate && call.sse ? '?alt=sse' : '';
      return {
        url: `${call.baseUrl}/v1beta/models/${model}:${method}${query}`,
        method: 'POST',
        headers: geminiHeaders(call, true),
      };
    }
    default:
      throw new UnsupportedEndpointError(`${call.endpoint} is not a Gemini endpoint`);
  }
}

export const geminiAdapter: UpstreamAdapter = { target: geminiTarget };
