import express, { Router } from 'express';
import type { NextFunction, Request, Response } from 'express';
import { GatewayError } from '../errors/index.js';
import type { AdminDeps } from './admin-deps.js';
import { accountsRoutes } from './accounts-routes.js';
import { apiKeysRoutes } from './api-keys-routes.js';
import { groupsRoutes } from './groups-routes.js';
import { requireAdminToken } from './require-admin-token.js';
import { sendAdminError } from './send-admin-error.js';

// 1 MiB: admin bodies are small records; a larger one is a mistake, not a use case.
const ADMIN_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * The admin API: accounts, groups and API keys behind the admin token. Self-contained — its
 * own body parsing, 404 and error handling, all answering `{"error":{"code","message"}}` — so
 * it can be mounted beside the client API without sharing its error formats.
 *
 * Routes (relative to the mount point):
 * - `GET|POST /accounts`, `GET|PATCH|DELETE /accounts/:id`, `PUT /accounts/:id/groups`,
 *   `POST /accounts/:id/clear-rate-limit`, `PUT /accounts/:id/schedulable`
 * - `GET|POST /groups`, `GET|PATCH|DELETE /groups/:id`
 * - `GET|POST /api-keys`, `GET|PATCH|DELETE /api-keys/:id`
 */
export function createAdminRouter(deps: AdminDeps): Router {
  const router = Router();
  router.use(requireAdminToken(deps.adminToken));
  router.use(express.json({ limit: ADMIN_BODY_LIMIT_BYTES }));
  router.use('/accounts', accountsRoutes(deps));
  router.use('/groups', groupsRoutes(deps));
  router.use('/api-keys', apiKeysRoutes(deps));
  router.use((req: Request, res: Response) => {
    sendAdminError(
      res,
      new GatewayError('not_found', `Unknown admin route: ${req.method} ${req.path}`),
    );
  });
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const error = sendAdminError(res, err);
    if (error?.code === 'internal' || error?.code === 'service_unavailable') {
      deps.logger?.error('admin request failed', {
        method: req.method,
        path: req.path,
        code: error.code,
        error: err instanceof Error ? err.message : String(err),
      });
    }
    if (res.headersSent && !res.writableEnded) res.end();
  });
  return router;
}
