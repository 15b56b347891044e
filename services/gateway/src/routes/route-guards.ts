import type { RequestHandler } from 'express';
import type { ClientFormat } from '../errors/index.js';

/** The middleware every relayed route runs first, per client format: key check, then body. */
export type RouteGuards = {
  for(format: ClientFormat): { auth: RequestHandler; body: RequestHandler };
};
