import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Platform } from '@switchyard/domain';
import { authOf, type AuthContext } from '../auth/index.js';
import { sendClientError, type ClientFormat, type GatewayError } from '../errors/index.js';
import type { Relay } from '../relay/relay.js';
import type { Endpoint } from '../upstreams/endpoint.js';
import { rawBodyOf } from './relay-body.js';
import type { JsonBody } from './body-fields.js';
import { platformFor } from './route-platform.js';

/** What a route reads from its request; thrown GatewayErrors are answered as bad input. */
export type CallSpec = {
  readonly endpoint: Endpoint;
  readonly model?: string | undefined;
  readonly stream: boolean;
  /** Defaults to `stream`: every stream is SSE except Gemini's JSON-array one. */
  readonly sse?: boolean;
  readonly sessionHash?: string | undefined;
  readonly previousResponseId?: string | undefined;
};

export type DescribeCall = (req: Request, body: JsonBody, auth: AuthContext) => CallSpec;

export type RouteDeps = {
  readonly relay: Relay;
  /** Told about a request refused as bad input, after it was answered. */
  readonly onRejected: (
    error: GatewayError,
    req: Request,
    res: Response,
    format: ClientFormat,
  ) => void;
};

/** The request id set by the app's first middleware. */
export function requestIdOf(res: Response): string {
  return (res.locals as { requestId: string }).requestId;
}

/**
 * A thin relayed route: read what the endpoint needs from the (already parsed and
 * authenticated) request, pick the platform, hand over to the relay.
 */
export function relayRoute(
  deps: RouteDeps,
  format: ClientFormat,
  forced: Platform | undefined,
  describe: DescribeCall,
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    const startedAt = performance.now();
    const auth = authOf(res);
    const body = (req.body ?? {}) as JsonBody;
    let spec: CallSpec;
    let platform: Platform;
    try {
      platform = platformFor(format, auth.groupPlatform, forced);
      spec = describe(req, body, auth);
    } catch (err) {
      const sent = sendClientError(res, format, err);
      if (sent !== undefined) deps.onRejected(sent, req, res, format);
      return;
    }
    deps.relay
      .handle(
        {
          requestId: requestIdOf(res),
          endpoint: spec.endpoint,
          format,
          platform,
          forcePlatform: forced !== undefined,
          model: spec.model,
          stream: spec.stream,
          sse: spec.sse ?? spec.stream,
          body: req.body === undefined ? undefined : body,
          rawBody: rawBodyOf(req),
          clientHeaders: req.headers,
          sessionHash: spec.sessionHash,
          previousResponseId: spec.previousResponseId,
          auth,
          startedAt,
        },
        res,
      )
      .catch(next);
  };
}
