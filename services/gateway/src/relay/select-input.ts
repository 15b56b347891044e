import type { SelectRequestInput } from '@switchyard/contracts';
import type { RelayRequest } from './relay-request.js';

/** The scheduler's select request for one attempt of `req`, skipping the accounts tried so far. */
export function selectInputFor(req: RelayRequest, excluded: readonly number[]): SelectRequestInput {
  const input: SelectRequestInput = {
    requestId: req.requestId,
    groupId: req.auth.groupId ?? 0,
    platform: req.platform,
    excludedAccountIds: [...excluded],
  };
  if (req.forcePlatform) input.forcePlatform = true;
  if (req.sessionHash !== undefined) input.sessionHash = req.sessionHash;
  if (req.previousResponseId !== undefined) input.previousResponseId = req.previousResponseId;
  if (req.model !== undefined) input.model = req.model;
  return input;
}

/** Which platforms' accounts may answer a request made for its platform (mixed scheduling). */
export function servingPlatforms(req: RelayRequest): string[] {
  if (req.forcePlatform) return [req.platform];
  return req.platform === 'anthropic' || req.platform === 'gemini'
    ? [req.platform, 'antigravity']
    : [req.platform];
}
