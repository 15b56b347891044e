import { Endpoint } from '../endpoint.js';
import {
  UnsupportedEndpointError,
  clientHeader,
  type UpstreamAdapter,
  type UpstreamCall,
  type UpstreamTarget,
} from '../upstream-target.js';

// The API version every current SDK sends; used when the client sent none.
const DEFAULT_VERSION = '2023-06-01';
// Anthropic requires this beta flag on requests authenticated with a Claude OAuth token.
const OAUTH_BETA = 'oauth-2025-04-20';

const PATHS: Partial<Record<Endpoint, string>> = {
  [Endpoint.AnthropicMessages]: '/v1/messages',
  [Endpoint.AnthropicCountTokens]: '/v1/messages/count_tokens',
};

/**
 * Anthropic Messages headers and auth: `x-api-key` for API keys, `Authorization: Bearer` plus
 * the OAuth beta flag for OAuth tokens; the client's `anthropic-version` and `anthropic-beta`
 * pass through (Claude Code depends on its betas).
 */
export function anthropicHeaders(call: UpstreamCall): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'anthropic-version': clientHeader(call.clientHeaders, 'anthropic-version') ?? DEFAULT_VERSION,
  };
  let beta = clientHeader(call.clientHeaders, 'anthropic-beta');
  if (call.account.type === 'oauth') {
    headers.authorization = `Bearer ${call.secret}`;
    beta =
      beta === undefined ? OAUTH_BETA : beta.includes(OAUTH_BETA) ? beta : `${OAUTH_BETA},${beta}`;
  } else {
    headers['x-api-key'] = call.secret;
  }
  if (beta !== undefined) headers['anthropic-beta'] = beta;
  const agent = clientHeader(call.clientHeaders, 'user-agent');
  if (agent !== undefined) headers['user-agent'] = agent;
  return headers;
}

/** The upstream call of an Anthropic-format endpoint against `baseUrl`. */
export function anthropicTarget(call: UpstreamCall): UpstreamTarget {
  const path = PATHS[call.endpoint];
  if (path === undefined) {
    throw new UnsupportedEndpointError(`${call.endpoint} is not an Anthropic endpoint`);
  }
  return { url: call.baseUrl + path, method: 'POST', headers: anthropicHeaders(call) };
}

export const anthropicAdapter: UpstreamAdapter = { target: anthropicTarget };
