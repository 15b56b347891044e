import { openAiSessionHash } from '../session/openai-session.js';
import { Endpoint } from '../upstreams/endpoint.js';
import { optionalBoolean, optionalString, requiredArray, requiredModel } from './body-fields.js';
import { relayRoute, type RouteDeps } from './relay-route.js';
import type { RouteGuards } from './route-guards.js';
import type { RouteTable } from './route-table.js';

/**
 * OpenAI: `POST /v1/chat/completions`, `POST /v1/responses` (with `previous_response_id`
 * hard stickiness) and `GET /v1/models` (the upstream's list, through one of the group's
 * accounts).
 */
export function openAiRoutes(router: RouteTable, deps: RouteDeps, guards: RouteGuards): void {
  const { auth, body } = guards.for('openai');
  router.post(
    '/v1/chat/completions',
    auth,
    body,
    relayRoute(deps, 'openai', undefined, (req, b) => {
      const model = requiredModel(b);
      requiredArray(b, 'messages');
      return {
        endpoint: Endpoint.OpenAIChat,
        model,
        stream: optionalBoolean(b, 'stream'),
        sessionHash: openAiSessionHash(b, req.headers),
      };
    }),
  );
  router.post(
    '/v1/responses',
    auth,
    body,
    relayRoute(deps, 'openai', undefined, (req, b) => ({
      endpoint: Endpoint.OpenAIResponses,
      model: requiredModel(b),
      stream: optionalBoolean(b, 'stream'),
      sessionHash: openAiSessionHash(b, req.headers),
      previousResponseId: optionalString(b, 'previous_response_id'),
    })),
  );
  router.get(
    '/v1/models',
    auth,
    relayRoute(deps, 'openai', undefined, () => ({
      endpoint: Endpoint.OpenAIModels,
      stream: false,
    })),
  );
}
