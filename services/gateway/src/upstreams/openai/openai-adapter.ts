import { Endpoint } from '../endpoint.js';
import {
  UnsupportedEndpointError,
  clientHeader,
  type UpstreamAdapter,
  type UpstreamCall,
  type UpstreamTarget,
} from '../upstream-target.js';

// ChatGPT (Codex) OAuth accounts serve the Responses API from the ChatGPT backend.
const CODEX_RESPONSES_PATH = '/backend-api/codex/responses';

function path(call: UpstreamCall): { path: string; method: 'GET' | 'POST' } {
  switch (call.endpoint) {
    case Endpoint.OpenAIChat:
      return { path: '/v1/chat/completions', method: 'POST' };
    case Endpoint.OpenAIResponses:
      return {
        path: call.account.type === 'oauth' ? CODEX_RESPONSES_PATH : '/v1/responses',
        method: 'POST',
      };
    case Endpoint.OpenAIModels:
      return { path: '/v1/models', method: 'GET' };
    default:
      throw new UnsupportedEndpointError(`${call.endpoint} is not an OpenAI endpoint`);
  }
}

/** OpenAI: `Authorization: Bearer` with the API key or the ChatGPT access token. */
export const openAiAdapter: UpstreamAdapter = {
  target(call: UpstreamCall): UpstreamTarget {
    const { path: p, method } = path(call);
    const headers: Record<string, string> = { authorization: `Bearer ${call.secret}` };
    if (method === 'POST') headers['content-type'] = 'application/json';
    const agent = clientHeader(call.clientHeaders, 'user-agent');
    if (agent !== undefined) headers['user-agent'] = agent;
    return { url: call.baseUrl + p, method, headers };
  },
};
