import type { IncomingMessage } from 'node:http';
import express from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { GatewayError, sendClientError, type ClientFormat } from '../errors/index.js';

/** The bytes of a parsed JSON body, kept so the relay can send them upstream unchanged. */
const RAW_BODY = Symbol('rawBody');

type WithRawBody = IncomingMessage & { [RAW_BODY]?: Buffer };

/** The request's body bytes as received, when `relayBody` parsed one. */
export function rawBodyOf(req: IncomingMessage): Buffer | undefined {
  return (req as WithRawBody)[RAW_BODY];
}

type Rejected = (error: GatewayError, req: Request, res: Response) => void;

const TOO_LARGE = 'Request body is larger than the limit.';

/**
 * JSON body parsing for relayed routes, with the behaviour of `jsonBody` (../http): a body over
 * the limit → 413 (refused from Content-Length before it is read, when sent), malformed JSON or
 * a non-object → 400, each in the client's format and told to `onRejected`. It also keeps the
 * body's bytes, so a request whose fields need no rewriting is relayed without serialising it
 * again (a 32 MiB context would cost tens of milliseconds to re-encode).
 *
 * The common case — an unencoded UTF-8 body, which is what every SDK sends — is read here
 * directly: it is on every request's path, and body-parser's generality (charset decoding,
 * content negotiation) costs tens of microseconds there. A compressed body goes through
 * body-parser, which inflates it.
 */
export function relayBody(
  limitBytes: number,
  format: ClientFormat,
  onRejected: Rejected,
): RequestHandler {
  const encoded = express.json({
    limit: limitBytes,
    strict: true,
    type: () => true,
    verify: (req, _res, buf) => {
      (req as WithRawBody)[RAW_BODY] = buf;
    },
  });
  const refuse = (req: Request, res: Response, problem: unknown): void => {
    const sent = sendClientError(res, format, problem);
    if (sent !== undefined) onRejected(sent, req, res);
  };
  const accept = (req: Request, res: Response, next: NextFunction, raw: Buffer): void => {
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      refuse(req, res, new GatewayError('invalid_request', 'Request body is not valid JSON.'));
      return;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      refuse(req, res, new GatewayError('invalid_request', 'Request body must be a JSON object.'));
      return;
    }
    (req as WithRawBody)[RAW_BODY] = raw;
    req.body = body;
    next();
  };

  return (req: Request, res: Response, next: NextFunction): void => {
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding !== 'identity') {
      void encoded(req, res, (err?: unknown) => {
        if (err !== undefined && err !== null) refuse(req, res, err);
        else accept(req, res, next, rawBodyOf(req) ?? Buffer.alloc(0));
      });
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (declared > limitBytes) {
      refuse(req, res, new GatewayError('payload_too_large', TOO_LARGE));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limitBytes) {
        done = true;
        refuse(req, res, new GatewayError('payload_too_large', TOO_LARGE));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => {
      if (done) return;
      done = true;
      accept(req, res, next, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.once('error', () => {
      if (done) return;
      done = true;
      refuse(req, res, new GatewayError('invalid_request', 'Request body was incomplete.'));
    });
  };
}
