import type { Request, RequestHandler, Response } from 'express';
import { GatewayError, formatForPath, sendClientError } from '../errors/index.js';
import type { ClientFormat } from '../errors/index.js';

/** Told of every 404 sent (to count and record it). */
export type NotFoundObserver = (
  error: GatewayError,
  req: Request,
  res: Response,
  format: ClientFormat,
) => void;

/**
 * Last handler of the client API: any route nothing matched is a 404 in the format its path
 * suggests (see formatForPath), naming the method and path the way OpenAI does.
 */
export function notFound(onSent?: NotFoundObserver): RequestHandler {
  return (req: Request, res: Response): void => {
    const format = formatForPath(req.path);
    const sent = sendClientError(
      res,
      format,
      new GatewayError('not_found', `Unknown route: ${req.method} ${req.path}`),
    );
    if (sent !== undefined) onSent?.(sent, req, res, format);
  };
}
