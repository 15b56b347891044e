import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { formatForPath, sendClientError, toGatewayError } from '../errors/index.js';
import type { GatewayError } from '../errors/index.js';

export type ClientErrorHandlerOptions = {
  /** Told about every error answered (after sending); e.g. to log an `internal` one. */
  readonly onError?: (error: GatewayError, req: Request, res: Response) => void;
};

/**
 * Express error handler of the client API, mounted last: whatever a route threw or passed to
 * `next(err)` is answered in the format its path suggests; unknown errors become a 500 with a
 * fixed message. When headers already went out (a stream in flight) the connection is ended,
 * since no error body can be written any more.
 */
export function clientErrorHandler(options: ClientErrorHandlerOptions = {}): ErrorRequestHandler {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const error = toGatewayError(err);
    if (res.headersSent) {
      res.end();
    } else {
      sendClientError(res, formatForPath(req.path), error);
    }
    options.onError?.(error, req, res);
  };
}
