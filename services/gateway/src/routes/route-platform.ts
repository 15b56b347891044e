import type { Platform } from '@switchyard/domain';
import { GatewayError, type ClientFormat } from '../errors/index.js';

// Which group platforms can answer each client dialect: antigravity accounts serve Claude
// (Anthropic dialect) and Gemini models, but not the OpenAI dialect.
const SERVES: Readonly<Record<ClientFormat, readonly Platform[]>> = {
  anthropic: ['anthropic', 'antigravity'],
  openai: ['openai'],
  gemini: ['gemini', 'antigravity'],
};

const DEFAULT_PLATFORM: Readonly<Record<ClientFormat, Platform>> = {
  anthropic: 'anthropic',
  openai: 'openai',
  gemini: 'gemini',
};

/**
 * The platform a call is scheduled on: the key's group's (a key without a group uses the
 * dialect's own platform), or antigravity on the `/antigravity/…` routes. A group whose
 * platform cannot speak the dialect is refused with 400 in the client's format.
 */
export function platformFor(
  format: ClientFormat,
  groupPlatform: Platform | null,
  forced: Platform | undefined,
): Platform {
  if (forced !== undefined) return forced;
  if (groupPlatform === null) return DEFAULT_PLATFORM[format];
  if (SERVES[format].includes(groupPlatform)) return groupPlatform;
  throw new GatewayError(
    'invalid_request',
    `This API key belongs to a ${groupPlatform} group, which does not serve the ${format} API.`,
    { reason: 'platform_mismatch' },
  );
}
