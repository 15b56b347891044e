import type { ServerResponse } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { ResponseFacts, ResponseReader } from '../upstreams/response-reader.js';
import type { UpstreamClient } from '../upstreams/upstream-client.js';
import type { UpstreamTarget } from '../upstreams/upstream-target.js';
import type { ClientSignal } from './client-signal.js';
import { clientHeaders } from './response-headers.js';

export type AttemptInput = {
  readonly upstream: UpstreamClient;
  readonly target: UpstreamTarget;
  readonly body: Buffer | string | undefined;
  readonly stream: boolean;
  readonly reader: ResponseReader;
  readonly res: ServerResponse;
  /** Aborted when the client goes away: the upstream call is cancelled with it. */
  readonly signal: ClientSignal;
  /**
   * Runs with the answer's facts before the client's response ends (e.g. binding a response id,
   * which must exist before the client can send the next turn). Only given when needed: it makes
   * a non-streamed answer be parsed before it is sent instead of after.
   */
  readonly beforeEnd?: ((facts: ResponseFacts) => Promise<void>) | undefined;
};

/** How one attempt on one account ended. Times are performance.now() values. */
export type AttemptOutcome =
  /** The answer reached the client in full. */
  | { kind: 'served'; status: number; facts: ResponseFacts; firstByteAt: number }
  /** The upstream answered an error status; nothing was sent to the client. */
  | { kind: 'upstream_error'; status: number; headers: IncomingHttpHeaders; body: Buffer }
  /** No answer (connection refused or reset, timeout) and nothing was sent to the client. */
  | { kind: 'failed'; error: unknown }
  /** The upstream failed after part of the answer was streamed to the client. */
  | { kind: 'broken'; status: number; facts: ResponseFacts; firstByteAt: number; error: unknown }
  /** The client went away; `firstByteAt` null when no answer byte had arrived. */
  | { kind: 'aborted'; facts: ResponseFacts | null; firstByteAt: number | null };

/** When the first answer byte of an attempt arrived (performance.now()), null when none did. */
export function firstByteOf(outcome: AttemptOutcome): number | null {
  return outcome.kind === 'served' || outcome.kind === 'broken' || outcome.kind === 'aborted'
    ? outcome.firstByteAt
    : null;
}

// Error bodies are read for classification (reset times, operator rule keywords) and passed on;
// 64 KiB holds any real vendor error, and bounds memory for a misbehaving upstream.
const ERROR_BODY_LIMIT = 64 * 1024;

/**
 * One upstream call: sends the request, and on success passes the answer to the client — a
 * stream chunk by chunk with backpressure (the upstream is paused while the client is slow),
 * a non-streamed answer in one write once complete (so a cut answer can still be retried
 * elsewhere). The first answer byte is the time to first token. Nothing is written to the
 * client before the first answer byte, so any failure before it can fail over.
 */
export async function runAttempt(input: AttemptInput): Promise<AttemptOutcome> {
  let response;
  try {
    response = await input.upstream.send(input.target, input.body, input.signal);
  } catch (error) {
    return input.signal.aborted
      ? { kind: 'aborted', facts: null, firstByteAt: null }
      : { kind: 'failed', error };
  }
  const { statusCode: status, headers, body } = response;
  if (status < 200 || status >= 300) {
    const errorBody = await readCapped(body, ERROR_BODY_LIMIT).catch(() => Buffer.alloc(0));
    if (input.signal.aborted) return { kind: 'aborted', facts: null, firstByteAt: null };
    return { kind: 'upstream_error', status, headers, body: errorBody };
  }
  return input.stream
    ? pipeStream(input, status, headers, body)
    : sendWhole(input, status, headers, body);
}

async function sendWhole(
  input: AttemptInput,
  status: number,
  headers: IncomingHttpHeaders,
  body: Readable,
): Promise<AttemptOutcome> {
  let firstByteAt: number | null = null;
  let whole: Buffer;
  try {
    whole = await collect(body, () => (firstByteAt ??= performance.now()));
  } catch (error) {
    if (input.signal.aborted) return { kind: 'aborted', facts: null, firstByteAt };
    return { kind: 'failed', error };
  }
  const { res, reader } = input;
  reader.push(whole);
  let facts: ResponseFacts | undefined;
  if (input.beforeEnd !== undefined) {
    facts = reader.finish();
    await input.beforeEnd(facts);
  }
  res.writeHead(status, clientHeaders(headers, { 'content-length': whole.length }));
  res.end(whole);
  return {
    kind: 'served',
    status,
    facts: facts ?? reader.finish(),
    firstByteAt: firstByteAt ?? performance.now(),
  };
}

function pipeStream(
  input: AttemptInput,
  status: number,
  headers: IncomingHttpHeaders,
  body: Readable,
): Promise<AttemptOutcome> {
  const { res, reader, signal } = input;
  return new Promise<AttemptOutcome>((resolve) => {
    let firstByteAt: number | null = null;
    const onDrain = () => body.resume();
    body.on('data', (chunk: Buffer) => {
      if (firstByteAt === null) {
        firstByteAt = performance.now();
        // Headers may be out already (keep-alive pings while waiting for a slot).
        if (!res.headersSent) {
          res.writeHead(
            status,
            clientHeaders(headers, { 'cache-control': 'no-cache', 'x-accel-buffering': 'no' }),
          );
        }
      }
      reader.push(chunk);
      if (!res.write(chunk)) {
        body.pause();
        res.once('drain', onDrain);
      }
    });
    body.once('end', () => {
      res.off('drain', onDrain);
      const facts = reader.finish();
      const finish = () => {
        res.end();
        resolve({ kind: 'served', status, facts, firstByteAt: firstByteAt ?? performance.now() });
      };
      if (input.beforeEnd === undefined) finish();
      else input.beforeEnd(facts).then(finish, finish);
    });
    body.once('error', (error: unknown) => {
      res.off('drain', onDrain);
      if (signal.aborted) {
        resolve({
          kind: 'aborted',
          facts: firstByteAt === null ? null : reader.finish(),
          firstByteAt,
        });
      } else if (firstByteAt === null) {
        resolve({ kind: 'failed', error });
      } else {
        resolve({ kind: 'broken', status, facts: reader.finish(), firstByteAt, error });
      }
    });
  });
}

/** The whole body, calling `onFirst` at the first chunk. */
function collect(body: Readable, onFirst: () => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    body.on('data', (chunk: Buffer) => {
      if (length === 0) onFirst();
      chunks.push(chunk);
      length += chunk.length;
    });
    body.once('end', () =>
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length)),
    );
    body.once('error', reject);
  });
}

/** Up to `limit` bytes of the body; the rest is discarded. */
async function readCapped(body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (length < limit) {
      const part = chunk.length > limit - length ? chunk.subarray(0, limit - length) : chunk;
      chunks.push(part);
      length += part.length;
    }
  }
  return Buffer.concat(chunks, length);
}
