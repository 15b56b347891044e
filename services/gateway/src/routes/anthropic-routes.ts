import type { Platform } from '@switchyard/domain';
import { anthropicSessionHash } from '../session/anthropic-session.js';
import { Endpoint } from '../upstreams/endpoint.js';
import { optionalBoolean, optionalObject, requiredArray, requiredModel } from './body-fields.js';
import { relayRoute, type RouteDeps } from './relay-route.js';
import type { RouteGuards } from './route-guards.js';
import type { RouteTable } from './route-table.js';

/**
 * Anthropic Messages: `POST /v1/messages` (streamed or not) and `/v1/messages/count_tokens`.
 * Mounted at `/` and, forcing the antigravity platform, at `/antigravity`.
 */
export function anthropicRoutes(
  router: RouteTable,
  prefix: string,
  deps: RouteDeps,
  guards: RouteGuards,
  forced?: Platform,
): void {
  const { auth, body } = guards.for('anthropic');
  router.post(
    `${prefix}/v1/messages`,
    auth,
    body,
    relayRoute(deps, 'anthropic', forced, (_req, b, key) => {
      const model = requiredModel(b);
      requiredArray(b, 'messages');
      optionalObject(b, 'metadata');
      return {
        endpoint: Endpoint.AnthropicMessages,
        model,
        stream: optionalBoolean(b, 'stream'),
        sessionHash: anthropicSessionHash(b, key.apiKeyId),
      };
    }),
  );
  router.post(
    `${prefix}/v1/messages/count_tokens`,
    auth,
    body,
    relayRoute(deps, 'anthropic', forced, (_req, b, key) => {
      const model = requiredModel(b);
      requiredArray(b, 'messages');
      return {
        endpoint: Endpoint.AnthropicCountTokens,
        model,
        stream: false,
        sessionHash: anthropicSessionHash(b, key.apiKeyId),
      };
    }),
  );
}
