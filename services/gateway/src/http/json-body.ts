import express from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { GatewayError, formatForPath, sendClientError } from '../errors/index.js';
import type { ClientFormat } from '../errors/index.js';

export type FormatChoice = ClientFormat | ((req: Request) => ClientFormat);

function formatResolver(format: FormatChoice | undefined): (req: Request) => ClientFormat {
  if (format === undefined) return (req) => formatForPath(req.path);
  return typeof format === 'function' ? format : () => format;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses a JSON request body of at most `limitBytes`, answering in the client's format:
 * a larger body → 413 (refused from Content-Length before it is read, when the client sent
 * one), malformed JSON or a body that is not a JSON object → 400. Every body is read as JSON
 * whatever its Content-Type, because some clients omit or mislabel it and every client
 * endpoint takes JSON. A request without a body (GET) passes with `req.body` undefined.
 * `format` defaults to the one chosen by path (see formatForPath).
 */
export function jsonBody(limitBytes: number, format?: FormatChoice): RequestHandler {
  const parse = express.json({ limit: limitBytes, strict: true, type: () => true });
  const formatOf = formatResolver(format);
  return (req: Request, res: Response, next: NextFunction): void => {
    void parse(req, res, (err?: unknown) => {
      if (err !== undefined && err !== null) {
        sendClientError(res, formatOf(req), err);
        return;
      }
      // body-parser leaves req.body undefined when there was no body at all.
      if (req.body !== undefined && !isPlainObject(req.body)) {
        sendClientError(
          res,
          formatOf(req),
          new GatewayError('invalid_request', 'Request body must be a JSON object.'),
        );
        return;
      }
      next();
    });
  };
}
