import type { IncomingMessage, ServerResponse } from 'node:http';
import { takeFault } from '../core/armed-faults.js';
import type { RequestLogEntry } from '../core/request-log.js';
import type { SimState } from '../core/sim-state.js';
import type { CallTarget } from '../endpoints/endpoint.js';
import { errorReply, faultReply } from '../wire/error-reply.js';
import { loggableHeaders, presentedCredential } from './credential.js';
import { deliver, resetConnection } from './deliver.js';
import type { DeliveryOutcome, Timing } from './deliver.js';
import { readBody } from './read-body.js';
import type { Reply } from './reply.js';
import type { Route } from './router.js';

const IMMEDIATE: Timing = { ttftMs: 0, interTokenMs: 0 };

const MISSING_CREDENTIAL: Record<string, string> = {
  anthropic: 'x-api-key header is required',
  openai:
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
  gemini:
    "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
};

function parseJson(raw: string): { ok: true; value: unknown } | { ok: false } {
  if (raw === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * One vendor API call: credential, behaviour, fault, answer, log. Auth is checked before the
 * request's own validity, as the vendors do, but the request is parsed first so the log
 * shows its model either way.
 */
export async function handleApiCall(
  state: SimState,
  route: Route,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: string,
): Promise<void> {
  const startedAt = state.clock();
  const { endpoint, platform } = route;
  const dialect = endpoint.dialect;
  const raw = req.method === 'GET' ? '' : await readBody(req);
  const parsedJson = parseJson(raw);
  const entry: RequestLogEntry = {
    seq: state.log.nextSeq(),
    time: startedAt,
    method: req.method ?? 'GET',
    path,
    query,
    endpoint: endpoint.name,
    platform,
    credential: null,
    presentedCredential: null,
    model: route.pathModel,
    stream: false,
    headers: loggableHeaders(req.headers),
    body: parsedJson.ok ? parsedJson.value : raw,
    status: null,
    fault: null,
    outcome: 'pending',
    durationMs: null,
  };
  state.log.add(entry);

  const finish = (outcome: DeliveryOutcome, status: number): void => {
    entry.outcome = outcome;
    entry.status = status;
    entry.durationMs = state.clock() - startedAt;
  };
  const send = async (
    reply: Reply,
    timing: Timing,
    cutAfter: number | null = null,
  ): Promise<void> => {
    finish(await deliver(res, reply, timing, cutAfter), reply.status);
  };

  const searchParams = new URLSearchParams(query);
  const presented = presentedCredential(endpoint.auth, req.headers, searchParams);
  const nowMs = startedAt;
  if (presented === null) {
    const status = endpoint.auth === 'gemini' ? 403 : 401;
    return send(
      errorReply(dialect, status, nowMs, { message: MISSING_CREDENTIAL[endpoint.auth] }),
      IMMEDIATE,
    );
  }
  entry.presentedCredential = presented;
  const resolution = state.tokens.resolve(presented, nowMs);
  const credential = resolution.credential;
  entry.credential = credential;
  const target: CallTarget = {
    path,
    query: searchParams,
    pathModel: route.pathModel,
    headers: req.headers,
  };
  const parsed = parsedJson.ok
    ? endpoint.parse(parsedJson.value, target)
    : errorReply(dialect, 400, nowMs, { message: 'The request body is not valid JSON.' });
  if (!('kind' in parsed)) {
    entry.model = parsed.model;
    entry.stream = parsed.stream;
  }
  const credentialState = state.stateFor(credential);
  const behaviour = credentialState.behaviour;
  if (resolution.kind === 'expired' || behaviour.rejectAuth) {
    const message = resolution.kind === 'expired' ? 'OAuth token has expired.' : undefined;
    return send(
      errorReply(dialect, 401, nowMs, message === undefined ? {} : { message }),
      IMMEDIATE,
    );
  }
  if ('kind' in parsed) return send(parsed, IMMEDIATE);

  const fault = takeFault(
    credentialState.armed,
    { path, model: parsed.model, stream: parsed.stream, platform },
    state.random,
  );
  let cutAfter: number | null = null;
  if (fault !== null) {
    if ('status' in fault) {
      entry.fault = `status:${fault.status}`;
      return send(faultReply(dialect, fault, nowMs), IMMEDIATE);
    }
    entry.fault = fault.kind;
    if (fault.kind === 'reset_before') {
      resetConnection(res);
      finish('reset', 0);
      return;
    }
    cutAfter = fault.afterTokens;
  }
  const reply = parsed.respond({ credential, behaviour, state, nowMs });
  return send(reply, reply.status === 200 ? behaviour : IMMEDIATE, cutAfter);
}
