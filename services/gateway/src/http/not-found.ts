import type { Request, RequestHandler, Response } from 'express';
import { GatewayError, formatForPath, sendClientError } from '../errors/index.js';

/**
 * Last handler of the client API: any route nothing matched is a 404 in the format its path
 * suggests (see formatForPath), naming the method and path the way OpenAI does.
 */
export function notFound(): RequestHandler {
  return (req: Request, res: Response): void => {
    sendClientError(
      res,
      formatForPath(req.path),
      new GatewayError('not_found', `Unknown route: ${req.method} ${req.path}`),
    );
  };
}
