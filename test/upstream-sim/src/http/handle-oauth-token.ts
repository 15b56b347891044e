import type { IncomingMessage, ServerResponse } from 'node:http';
import { OAUTH_TOKEN_PATH, takeFault } from '../core/armed-faults.js';
import type { RequestLogEntry } from '../core/request-log.js';
import type { SimState } from '../core/sim-state.js';
import { DEFAULT_RESET_AFTER_SECONDS } from '../wire/error-reply.js';
import { loggableHeaders } from './credential.js';
import { deliver, resetConnection } from './deliver.js';
import { readBody } from './read-body.js';
import { jsonReply } from './reply.js';
import type { JsonReply, OutgoingHeaders } from './reply.js';

type Form = Record<string, string>;

const IMMEDIATE = { ttftMs: 0, interTokenMs: 0 };

function parseForm(raw: string, contentType: string | undefined): Form | null {
  if (contentType?.includes('application/json') === true) {
    try {
      const value = JSON.parse(raw) as unknown;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
      const form: Form = {};
      for (const [k, v] of Object.entries(value)) if (typeof v === 'string') form[k] = v;
      return form;
    } catch {
      return null;
    }
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

/** An RFC 6749 §5.2 error. */
function oauthError(
  status: number,
  error: string,
  description: string,
  headers: OutgoingHeaders = {},
): JsonReply {
  return jsonReply(
    status,
    { error, error_description: description },
    { 'cache-control': 'no-store', ...headers },
  );
}

function faultError(status: number): string {
  if (status === 429) return 'rate_limit_exceeded';
  if (status === 401 || status === 403) return 'invalid_client';
  return status >= 500 ? 'server_error' : 'invalid_request';
}

/**
 * `POST /oauth/token`, grant_type=refresh_token. A refresh token is known when it was
 * configured as a credential or minted here; the access tokens it yields act as that root
 * credential. Faults apply only when scoped to this path.
 */
export async function handleOAuthToken(
  state: SimState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const startedAt = state.clock();
  const raw = await readBody(req);
  const form = parseForm(raw, req.headers['content-type']);
  const refreshToken = form?.refresh_token;
  const entry: RequestLogEntry = {
    seq: state.log.nextSeq(),
    time: startedAt,
    method: 'POST',
    path: OAUTH_TOKEN_PATH,
    query: '',
    endpoint: 'oauth.token',
    platform: null,
    credential: null,
    presentedCredential: refreshToken ?? null,
    model: null,
    stream: false,
    headers: loggableHeaders(req.headers),
    body: form ?? raw,
    status: null,
    fault: null,
    outcome: 'pending',
    durationMs: null,
  };
  state.log.add(entry);
  const send = async (reply: JsonReply, cutAfter: number | null = null): Promise<void> => {
    entry.outcome = await deliver(res, reply, IMMEDIATE, cutAfter);
    entry.status = reply.status;
    entry.durationMs = state.clock() - startedAt;
  };

  if (form === null)
    return send(oauthError(400, 'invalid_request', 'The request body could not be parsed.'));
  if (form.grant_type !== 'refresh_token') {
    return send(
      oauthError(400, 'unsupported_grant_type', 'Only grant_type=refresh_token is supported.'),
    );
  }
  if (refreshToken === undefined || refreshToken === '') {
    return send(oauthError(400, 'invalid_request', 'refresh_token is required.'));
  }
  const root =
    state.tokens.rootOfMinted(refreshToken) ??
    (state.isConfigured(refreshToken) && !state.tokens.isSpentRoot(refreshToken)
      ? refreshToken
      : undefined);
  if (root === undefined)
    return send(oauthError(400, 'invalid_grant', 'Refresh token not found or invalid.'));
  entry.credential = root;
  const credentialState = state.stateFor(root);
  const behaviour = credentialState.behaviour;
  if (behaviour.rejectAuth)
    return send(oauthError(400, 'invalid_grant', 'Refresh token has been revoked.'));

  const fault = takeFault(
    credentialState.armed,
    { path: OAUTH_TOKEN_PATH, model: null, stream: false, platform: null },
    state.random,
  );
  let cutAfter: number | null = null;
  if (fault !== null) {
    if ('status' in fault) {
      entry.fault = `status:${fault.status}`;
      const reset =
        fault.resetAfterSeconds ?? (fault.status === 429 ? DEFAULT_RESET_AFTER_SECONDS : undefined);
      const reply = oauthError(fault.status, faultError(fault.status), 'Injected fault.', {
        ...(reset === undefined ? {} : { 'retry-after': reset }),
        ...(fault.headers ?? {}),
      });
      return send(
        fault.body === undefined ? reply : jsonReply(fault.status, fault.body, reply.headers),
      );
    }
    entry.fault = fault.kind;
    if (fault.kind === 'reset_before') {
      resetConnection(res);
      entry.outcome = 'reset';
      entry.status = 0;
      entry.durationMs = state.clock() - startedAt;
      return;
    }
    cutAfter = fault.afterTokens;
  }
  if (behaviour.singleUseRefreshTokens) state.tokens.spend(refreshToken, root);
  const minted = state.tokens.mint(root, behaviour.accessTokenTtlSeconds, startedAt);
  const body: Record<string, unknown> = {
    access_token: minted.accessToken,
    refresh_token: minted.refreshToken,
    expires_in: minted.expiresIn,
    token_type: 'Bearer',
  };
  if (form.scope !== undefined) body.scope = form.scope;
  return send(jsonReply(200, body, { 'cache-control': 'no-store' }), cutAfter);
}
