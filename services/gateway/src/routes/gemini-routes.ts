import type { Request } from 'express';
import type { Platform } from '@switchyard/domain';
import { GatewayError } from '../errors/index.js';
import { geminiSessionHash } from '../session/gemini-session.js';
import { Endpoint } from '../upstreams/endpoint.js';
import { requiredArray, type JsonBody } from './body-fields.js';
import { relayRoute, type CallSpec, type RouteDeps } from './relay-route.js';
import type { RouteGuards } from './route-guards.js';
import type { RouteTable } from './route-table.js';

const METHODS = {
  generateContent: Endpoint.GeminiGenerate,
  streamGenerateContent: Endpoint.GeminiStreamGenerate,
} as const;

/** `models/{model}:{method}` → the model (without a `models/` prefix) and the endpoint. */
function geminiCall(req: Request, body: JsonBody): CallSpec {
  const target = String(req.params.target ?? '');
  const colon = target.lastIndexOf(':');
  const method = colon > 0 ? target.slice(colon + 1) : '';
  const endpoint = METHODS[method as keyof typeof METHODS];
  if (endpoint === undefined) {
    throw new GatewayError('not_found', `Unknown method: ${method || target}`);
  }
  const model = target.slice(0, colon).replace(/^models\//, '');
  if (model === '')
    throw new GatewayError('invalid_request', 'A model is required in the path.', {
      param: 'model',
    });
  requiredArray(body, 'contents');
  const stream = endpoint === Endpoint.GeminiStreamGenerate;
  return {
    endpoint,
    model,
    stream,
    sse: stream && req.query.alt === 'sse',
    sessionHash: geminiSessionHash(model, body),
  };
}

/**
 * `GET /v1/models` is OpenAI's too: it is Gemini's when the client authenticates the Google
 * way (`x-goog-api-key` or `?key=`), as the Google GenAI SDK does.
 */
function isGoogleClient(req: Request): boolean {
  return req.headers['x-goog-api-key'] !== undefined || typeof req.query.key === 'string';
}

/**
 * Gemini: `GET /v1beta/models`, `POST /v1beta/models/{model}:generateContent` and
 * `:streamGenerateContent` (`?alt=sse` for SSE, else a streamed JSON array) — and the same under
 * `/v1`, which newer Google GenAI SDKs call by default (relayed to the upstream's v1beta, a
 * superset). Mounted at `/` (before the OpenAI routes) and, forcing the antigravity platform,
 * at `/antigravity`.
 */
export function geminiRoutes(
  router: RouteTable,
  prefix: string,
  deps: RouteDeps,
  guards: RouteGuards,
  forced?: Platform,
): void {
  const { auth, body } = guards.for('gemini');
  const list = relayRoute(deps, 'gemini', forced, () => ({
    endpoint: Endpoint.GeminiModels,
    stream: false,
  }));
  const generate = relayRoute(deps, 'gemini', forced, geminiCall);
  router.get(`${prefix}/v1beta/models`, auth, list);
  router.get(
    `${prefix}/v1/models`,
    (req, _res, next) => next(isGoogleClient(req) ? undefined : 'route'),
    auth,
    list,
  );
  router.post(`${prefix}/v1beta/models/:target`, auth, body, generate);
  router.post(`${prefix}/v1/models/:target`, auth, body, generate);
}
