import type { PlatformUrls } from '@switchyard/config';
import { resolveUpstreamModel } from '@switchyard/domain';
import type { OAuthRefresher } from '../credentials/oauth-refresher.js';
import type { UpstreamAccount } from '../credentials/upstream-account.js';
import { adapterFor } from '../upstreams/adapters.js';
import { upstreamBody } from '../upstreams/upstream-body.js';
import { trimSlash, type UpstreamTarget } from '../upstreams/upstream-target.js';
import type { RelayRequest } from './relay-request.js';

/** The account's model mapping has no entry for the requested model. */
export class ModelNotServedError extends Error {
  override readonly name = 'ModelNotServedError';
  readonly code = 'model_not_served';
  readonly retryable = true;
}

export type PreparedCall = {
  readonly target: UpstreamTarget;
  readonly body: Buffer | string | undefined;
  readonly upstreamModel: string | undefined;
};

export type PrepareDeps = {
  readonly oauth: OAuthRefresher;
  readonly baseUrls: PlatformUrls;
};

/**
 * Everything needed to call upstream with this account: the mapped model, a usable secret (an
 * OAuth token refreshed first when it is about to expire), the URL and headers from the
 * platform's adapter, and the body (rewritten only when it must be).
 */
export async function prepareCall(
  deps: PrepareDeps,
  req: RelayRequest,
  account: UpstreamAccount,
): Promise<PreparedCall> {
  let upstreamModel: string | undefined;
  if (req.model !== undefined) {
    const mapped = resolveUpstreamModel(account.modelMapping, req.model);
    if (mapped === null) {
      throw new ModelNotServedError(`account ${account.id} does not serve model ${req.model}`);
    }
    upstreamModel = mapped;
  }
  const creds = account.credentials;
  const secret =
    creds.type === 'apikey' ? creds.apiKey : (await deps.oauth.fresh(account)).accessToken;
  const target = adapterFor(account.platform).target({
    endpoint: req.endpoint,
    account,
    baseUrl: trimSlash(account.baseUrl ?? deps.baseUrls[account.platform]),
    secret,
    upstreamModel,
    stream: req.stream,
    sse: req.sse,
    clientHeaders: req.clientHeaders,
  });
  const body = upstreamBody({
    endpoint: req.endpoint,
    body: req.body,
    rawBody: req.rawBody,
    requestedModel: req.model,
    upstreamModel,
    stream: req.stream,
  });
  return { target, body, upstreamModel };
}
