import { randomUUID } from 'node:crypto';
import express from 'express';
import type { Express, NextFunction, Request, Response, Router } from 'express';
import { authenticate, type AuthDeps } from './auth/index.js';
import { ClientFormat, formatForPath, type GatewayError } from './errors/index.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import { clientErrorHandler, notFound } from './http/index.js';
import type { Relay } from './relay/relay.js';
import { recordRejection } from './relay/rejections.js';
import type { RequestEvents } from './relay/usage-events.js';
import { anthropicRoutes } from './routes/anthropic-routes.js';
import { geminiRoutes } from './routes/gemini-routes.js';
import { openAiRoutes } from './routes/openai-routes.js';
import { relayBody } from './routes/relay-body.js';
import { requestIdOf, type RouteDeps } from './routes/relay-route.js';
import type { RouteGuards } from './routes/route-guards.js';
import { serveFixedPathsFirst } from './routes/fixed-paths-first.js';
import { FastRoutes } from './routes/route-table.js';

export type AppParts = {
  readonly relay: Relay;
  /** The key lookup and limits of `authenticate` (../auth). */
  readonly auth: Omit<AuthDeps, 'onRefused'>;
  readonly bodyLimitBytes: number;
  readonly events: RequestEvents;
  /** Counts every client API request (the relay's own, and those refused before it). */
  readonly metrics: GatewayMetrics;
  /** The admin API router, mounted at `adminPath`. */
  readonly admin?: { readonly path: string; readonly router: Router };
  /** Told about unexpected errors answered as 500 (to log them). */
  readonly onInternalError?: (error: GatewayError, req: Request) => void;
};

const ANTIGRAVITY = '/antigravity';

/**
 * The gateway's HTTP app: the admin API, then the client API — Anthropic, OpenAI and Gemini
 * routes (the Anthropic and Gemini ones again under `/antigravity`, forcing that platform),
 * each authenticating its key and parsing its body in the client's own error format — then 404
 * and the error handler. Every refusal before routing, an unknown path's 404 included, is
 * recorded as an ops error and counted in `requests_total` (the relay counts the requests it
 * handles); the admin API's requests are not counted there.
 */
export function createApp(parts: AppParts): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (parts.admin !== undefined) app.use(parts.admin.path, parts.admin.router);

  app.use((_req: Request, res: Response, next: NextFunction) => {
    assignRequestId(res);
    next();
  });

  const reject =
    (phase: 'auth' | 'routing') =>
    (error: GatewayError, req: Request, res: Response, format: ClientFormat): void => {
      parts.metrics.answered(format, res.statusCode);
      recordRejection(parts.events, {
        requestId: requestIdOf(res),
        error,
        status: res.statusCode,
        phase,
        auth: res.locals.auth as Parameters<typeof recordRejection>[1]['auth'],
        isCountTokens: req.path.endsWith('/count_tokens'),
      });
    };
  const guards = routeGuards(parts, reject('auth'), reject('routing'));
  const deps: RouteDeps = { relay: parts.relay, onRejected: reject('routing') };

  // Fixed paths are found by one lookup and served ahead of express's dispatch (see
  // serveFixedPathsFirst); Gemini's parameterised ones go to express's router.
  const routes = new FastRoutes(app);
  app.use(routes.middleware());
  anthropicRoutes(routes, '', deps, guards);
  // Before OpenAI's: a Google client's `GET /v1/models` is Gemini's.
  geminiRoutes(routes, '', deps, guards);
  openAiRoutes(routes, deps, guards);
  anthropicRoutes(routes, ANTIGRAVITY, deps, guards, 'antigravity');
  geminiRoutes(routes, ANTIGRAVITY, deps, guards, 'antigravity');

  // Unknown paths are client requests too: counted and recorded like any refusal.
  const unknownRoute = notFound(reject('routing'));
  const onError = clientErrorHandler({
    onError: (error, req, res) => {
      parts.metrics.answered(formatForPath(req.path), res.statusCode);
      if (error.code === 'internal') parts.onInternalError?.(error, req);
    },
  });
  app.use(unknownRoute);
  app.use(onError);
  serveFixedPathsFirst(app, routes, assignRequestId, (error, req, res) => {
    if (error === undefined) void unknownRoute(req, res, ignore);
    else onError(error, req, res, ignore);
  });
  return app;
}

/** One id per client request, shared by auth's key slot, the scheduler's slot and the records. */
function assignRequestId(res: Response): void {
  res.locals.requestId = randomUUID();
}

// The 404 and error handlers answer every request themselves; nothing comes after them.
function ignore(): void {}

type Refused = (error: GatewayError, req: Request, res: Response, format: ClientFormat) => void;

function routeGuards(parts: AppParts, onAuthRefused: Refused, onBadBody: Refused): RouteGuards {
  const byFormat = new Map(
    Object.values(ClientFormat).map((format) => [
      format,
      {
        auth: authenticate(
          {
            ...parts.auth,
            onRefused: (error, req, res) => onAuthRefused(error, req, res, format),
          },
          format,
        ),
        body: relayBody(parts.bodyLimitBytes, format, (error, req, res) =>
          onBadBody(error, req, res, format),
        ),
      },
    ]),
  );
  return { for: (format) => byFormat.get(format)! };
}
