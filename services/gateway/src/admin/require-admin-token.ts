import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { GatewayError } from '../errors/index.js';
import { sendAdminError } from './send-admin-error.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

const BEARER = /^bearer\s+(\S+)$/i;

/**
 * Lets a request through only with `Authorization: Bearer <admin token>`. Both sides are
 * hashed first, so the comparison is constant-time and also hides the token's length.
 */
export function requireAdminToken(adminToken: string): RequestHandler {
  const expected = digest(adminToken);
  return (req: Request, res: Response, next: NextFunction): void => {
    const presented = BEARER.exec(req.header('authorization')?.trim() ?? '')?.[1];
    if (presented !== undefined && timingSafeEqual(digest(presented), expected)) {
      next();
      return;
    }
    sendAdminError(
      res,
      new GatewayError(
        'authentication',
        presented === undefined
          ? 'Admin API needs "Authorization: Bearer <admin token>".'
          : 'Invalid admin token.',
      ),
    );
  };
}
