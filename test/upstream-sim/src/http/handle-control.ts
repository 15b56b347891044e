import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BehaviourInput } from '../core/behaviour.js';
import type { RequestLogFilter } from '../core/request-log.js';
import type { SimControl } from '../core/sim-control.js';
import { SimConfigError } from '../core/sim-config-error.js';
import { readBody } from './read-body.js';
import { sendJson } from './send-json.js';

export const CONTROL_PREFIX = '/_sim';
const CREDENTIALS = '/credentials/';

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req);
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch (cause) {
    throw new SimConfigError('control request body is not valid JSON', { cause });
  }
}

function numberParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new SimConfigError(`${name} must be an integer`);
  return n;
}

function logFilter(query: URLSearchParams): RequestLogFilter {
  const filter: { -readonly [K in keyof RequestLogFilter]: RequestLogFilter[K] } = {};
  const credential = query.get('credential');
  const path = query.get('path');
  const endpoint = query.get('endpoint');
  if (credential !== null) filter.credential = credential;
  if (path !== null) filter.path = path;
  if (endpoint !== null) filter.endpoint = endpoint;
  const since = numberParam(query, 'since');
  const limit = numberParam(query, 'limit');
  if (since !== undefined) filter.since = since;
  if (limit !== undefined) filter.limit = limit;
  return filter;
}

async function dispatch(
  control: SimControl,
  method: string,
  route: string,
  query: URLSearchParams,
  req: IncomingMessage,
): Promise<[number, unknown]> {
  if (route === '/health' && method === 'GET') return [200, { ok: true }];
  if (route === '/reset' && method === 'POST') {
    control.reset();
    return [200, { ok: true }];
  }
  if (route === '/defaults') {
    if (method === 'GET') return [200, { behaviour: control.getDefaults() }];
    if (method === 'PUT')
      return [200, { behaviour: control.setDefaults((await jsonBody(req)) as BehaviourInput) }];
  }
  if (route === '/requests') {
    if (method === 'GET') return [200, { requests: control.requests(logFilter(query)) }];
    if (method === 'DELETE') {
      control.clearRequests();
      return [200, { ok: true }];
    }
  }
  if (route.startsWith(CREDENTIALS) && route.length > CREDENTIALS.length) {
    const credential = decodeURIComponent(route.slice(CREDENTIALS.length));
    if (method === 'GET') return [200, control.getCredential(credential)];
    if (method === 'PUT') {
      const behaviour = control.setCredential(credential, (await jsonBody(req)) as BehaviourInput);
      return [200, { credential, behaviour }];
    }
    if (method === 'DELETE') {
      control.resetCredential(credential);
      return [200, { ok: true }];
    }
  }
  return [404, { error: { message: `no control route ${method} ${CONTROL_PREFIX}${route}` } }];
}

/**
 * The `/_sim` JSON control API: the same operations as `SimControl`, which validates the
 * (untyped) bodies itself.
 */
export async function handleControl(
  control: SimControl,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: string,
): Promise<void> {
  try {
    const [status, body] = await dispatch(
      control,
      req.method ?? 'GET',
      path.slice(CONTROL_PREFIX.length),
      new URLSearchParams(query),
      req,
    );
    sendJson(res, status, body);
  } catch (error: unknown) {
    if (error instanceof SimConfigError || error instanceof URIError) {
      sendJson(res, 400, { error: { message: error.message, code: 'invalid_sim_config' } });
      return;
    }
    throw error;
  }
}
