import { anthropicTarget } from '../anthropic/anthropic-adapter.js';
import { endpointFormat } from '../endpoint.js';
import { geminiTarget } from '../gemini/gemini-adapter.js';
import {
  UnsupportedEndpointError,
  type UpstreamAdapter,
  type UpstreamCall,
  type UpstreamTarget,
} from '../upstream-target.js';

/**
 * Antigravity accounts serve both Claude (Anthropic Messages) and Gemini models. A request is
 * sent in its own dialect under the account's base URL (`…/v1/messages`,
 * `…/v1beta/models/{m}:generateContent`), authenticated as that dialect expects; the OpenAI
 * dialect is not served.
 */
export const antigravityAdapter: UpstreamAdapter = {
  target(call: UpstreamCall): UpstreamTarget {
    switch (endpointFormat(call.endpoint)) {
      case 'anthropic':
        return anthropicTarget(call);
      case 'gemini':
        return geminiTarget(call);
      default:
        throw new UnsupportedEndpointError(`antigravity accounts do not serve ${call.endpoint}`);
    }
  },
};
