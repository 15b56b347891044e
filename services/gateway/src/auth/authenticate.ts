import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sendClientError, toGatewayError } from '../errors/index.js';
import type { ClientFormat, GatewayError } from '../errors/index.js';
import type { AuthContext } from './auth-context.js';
import { admitFromCache, authenticateRequest } from './authenticate-request.js';
import type { AuthenticateRequestDeps, AuthenticatedRequest } from './authenticate-request.js';
import { extractApiKey } from './extract-api-key.js';
import { keyLimitScripts } from './key-limits.js';

export type AuthDeps = AuthenticateRequestDeps & {
  readonly now?: () => number;
  /**
   * Life of a key concurrency slot without refresh; while the response is open it is refreshed
   * every third of this. Default 10 min.
   */
  readonly keySlotTtlMs?: number;
  /** Told about every refusal after it was answered (the relay records ops errors from it). */
  readonly onRefused?: (error: GatewayError, req: Request, res: Response) => void;
};

// 10 min: a gateway that dies mid-request frees its keys' slots within this; live requests
// refresh long before it runs out.
const DEFAULT_KEY_SLOT_TTL_MS = 10 * 60_000;

/**
 * Express middleware: authenticates the request's API key and admits it under the key's
 * limits, leaving `res.locals.auth` (an AuthContext) for the route; refuses in the client's
 * own error format otherwise. The key's concurrency slot is given back when the response
 * closes (finished, or the client went away). The request id for the slot is
 * `res.locals.requestId` when set, else a fresh UUID.
 */
export function authenticate(
  deps: AuthDeps,
  format: ClientFormat | ((req: Request) => ClientFormat),
): RequestHandler {
  const now = deps.now ?? Date.now;
  const slotTtlMs = deps.keySlotTtlMs ?? DEFAULT_KEY_SLOT_TTL_MS;
  const formatOf = typeof format === 'function' ? format : () => format;

  // Defined now, before traffic: a script is never first defined while commands are in flight.
  keyLimitScripts(deps.redis);

  return (req: Request, res: Response, next: NextFunction): void => {
    const locals = res.locals as { requestId?: unknown; auth?: AuthContext };
    const requestId = typeof locals.requestId === 'string' ? locals.requestId : randomUUID();
    let closed = false;
    let release: (() => Promise<void>) | undefined;
    res.once('close', () => {
      closed = true;
      void release?.();
    });

    const admit = ({ principal, hold }: AuthenticatedRequest): void => {
      let timer: NodeJS.Timeout | undefined;
      release = () => {
        if (timer !== undefined) clearInterval(timer);
        return hold.release();
      };
      // The client may have gone while we were looking the key up.
      if (closed) {
        void release();
        return;
      }
      if (hold.holdsSlot) {
        timer = setInterval(() => void hold.refresh(now()).catch(() => false), slotTtlMs / 3);
        timer.unref();
      }
      locals.auth = {
        apiKeyId: principal.apiKeyId,
        apiKeyName: principal.name,
        keyPrefix: principal.keyPrefix,
        userId: principal.userId,
        groupId: principal.groupId,
        groupPlatform: principal.groupPlatform,
        release,
      };
      next();
    };
    const input = {
      // Only a URL with a query string can carry Gemini's `?key=`; express parses it on access.
      apiKey: extractApiKey(req.headers, req.url.includes('?') ? req.query : undefined),
      requestId,
      now: now(),
      slotTtlMs,
    };
    const known = admitFromCache(deps, input);
    if (known !== undefined) {
      admit(known);
      return;
    }
    authenticateRequest(deps, input).then(admit, (err: unknown) => {
      const error = toGatewayError(err);
      sendClientError(res, formatOf(req), error);
      deps.onRefused?.(error, req, res);
    });
  };
}
