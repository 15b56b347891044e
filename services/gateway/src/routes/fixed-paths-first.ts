import { IncomingMessage, ServerResponse } from 'node:http';
import type { Express, NextFunction, Request, Response } from 'express';
import type { RequestClasses } from '@switchyard/telemetry';
import type { FastRoutes } from './route-table.js';

/** How a request that no fixed-path handler answered ends: `error` from `next(err)`, or none. */
export type Unhandled = (error: unknown, req: Request, res: Response) => void;

type Dispatch = (
  req: IncomingMessage,
  res: ServerResponse,
  callback?: (err?: unknown) => void,
) => void;

/**
 * Makes `app` serve the client API's fixed paths (`routes`) before express's own dispatch.
 *
 * Express's `app.handle` looks up two settings, builds a final handler and walks the router's
 * layer list (path matching, parameter processing) for every request — ~40 µs of CPU per
 * request measured here, on the path of every relayed call. A fixed path needs none of that:
 * the request gets express's request/response prototypes (unless it was born with them, see
 * expressRequestClasses) and `res.locals` as `app.handle` gives them, `prepare` runs (the app's per-request middleware), then the route's
 * chain; what the chain leaves unhandled goes to `unhandled` (the app's 404 and error handler).
 * Every other request — admin API, parameterised Gemini paths, unknown paths, or the app
 * mounted inside another one — goes through express as before.
 *
 * Express's `app(req, res)` calls `app.handle`, so replacing that method covers both a server
 * created with `app.listen` and one given `app` as its listener.
 */
export function serveFixedPathsFirst(
  app: Express,
  routes: FastRoutes,
  prepare: (res: Response) => void,
  unhandled: Unhandled,
): void {
  const target = app as unknown as { handle: Dispatch };
  const expressHandle = target.handle.bind(app);
  target.handle = (incoming, outgoing, callback) => {
    const chains = callback === undefined ? routes.find(incoming) : undefined;
    if (chains === undefined) {
      expressHandle(incoming, outgoing, callback);
      return;
    }
    const req = incoming as Request;
    const res = outgoing as Response;
    req.res = res;
    res.req = req;
    if (!isPrototypeOf(app.request, req)) {
      Object.setPrototypeOf(req, app.request);
      Object.setPrototypeOf(res, app.response);
    }
    // What express's router sets before running a top-level route.
    req.baseUrl = '';
    req.originalUrl = req.url;
    res.locals ??= Object.create(null) as Response['locals'];
    prepare(res);
    const done: NextFunction = (err?: unknown) => unhandled(err, req, res);
    routes.run(chains, req, res, done);
  };
}

/**
 * Node request and response classes whose instances already are express's request and response
 * (their prototype chains run through `app.request` and `app.response`), for the HTTP server to
 * build requests from. Express otherwise re-prototypes both objects of every request
 * (`Object.setPrototypeOf`), which V8 answers by slowing down every later property access on
 * them: measured ~70 µs of CPU per request on a minimal express route on this machine.
 */
export function expressRequestClasses(app: Express): RequestClasses {
  class ExpressRequest extends IncomingMessage {}
  Object.setPrototypeOf(ExpressRequest.prototype, app.request);
  class ExpressResponse extends ServerResponse {}
  Object.setPrototypeOf(ExpressResponse.prototype, app.response);
  return { IncomingMessage: ExpressRequest, ServerResponse: ExpressResponse };
}

function isPrototypeOf(proto: object, value: object): boolean {
  return Object.prototype.isPrototypeOf.call(proto, value);
}
