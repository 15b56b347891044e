import type { ServerResponse } from 'node:http';
import { clientErrorResponse, type ClientFormat, type GatewayError } from '../errors/index.js';

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // Tells nginx-style proxies in front of us not to buffer the stream.
  'x-accel-buffering': 'no',
} as const;

/** Sends the headers of an SSE answer now (before any upstream byte), if not sent yet. */
export function openEventStream(res: ServerResponse, extra: Record<string, string> = {}): void {
  if (!res.headersSent) res.writeHead(200, { ...SSE_HEADERS, ...extra });
}

// Anthropic streams carry `ping` events, which its SDKs skip; an SSE comment line is ignored
// by every other SSE client.
const ANTHROPIC_PING = 'event: ping\ndata: {"type": "ping"}\n\n';
const COMMENT_PING = ': ping\n\n';

/** A keep-alive frame the client's SDK ignores, so a waiting stream is not cut by an idle proxy. */
export function pingFrame(format: ClientFormat): string {
  return format === 'anthropic' ? ANTHROPIC_PING : COMMENT_PING;
}

/**
 * An error inside a stream whose headers already went out: the vendor's own in-stream error
 * event (Anthropic `event: error`, OpenAI and Gemini a `data:` line holding the error body), so
 * the client's SDK raises it as an API error.
 */
export function streamErrorFrame(
  format: ClientFormat,
  err: GatewayError,
  requestId: string,
): string {
  const { body } = clientErrorResponse(format, err, requestId);
  const json = JSON.stringify(body);
  return format === 'anthropic' ? `event: error\ndata: ${json}\n\n` : `data: ${json}\n\n`;
}

/** The part of a relay request the stream helpers read. */
type StreamRequest = {
  readonly format: ClientFormat;
  readonly requestId: string;
  readonly stream: boolean;
  readonly sse: boolean;
};

/** Ends a stream whose headers are out with the error as an in-stream event (SSE only). */
export function endStream(req: StreamRequest, res: ServerResponse, error: GatewayError): void {
  if (res.writableEnded || res.destroyed) return;
  if (req.sse) res.write(streamErrorFrame(req.format, error, req.requestId));
  res.end();
}

// Keep-alive pings while a stream waits for a slot: the first after 1 s (most waits are
// shorter, and a ping commits the answer to status 200), then every 5 s — well inside the
// 30-60 s idle limits of common proxies and load balancers.
const FIRST_PING_MS = 1_000;
const PING_EVERY_MS = 5_000;

/** Wait hooks that keep an SSE stream alive while it waits for a slot; none for other requests. */
export function streamPinger(
  req: StreamRequest,
  res: ServerResponse,
): { onWaitStart?: () => void; onWaitEnd?: () => void } {
  if (!req.stream || !req.sse) return {};
  let first: NodeJS.Timeout | undefined;
  let every: NodeJS.Timeout | undefined;
  const ping = () => {
    if (res.writableEnded || res.destroyed) return;
    openEventStream(res);
    res.write(pingFrame(req.format));
  };
  return {
    onWaitStart: () => {
      first = setTimeout(() => {
        ping();
        every = setInterval(ping, PING_EVERY_MS);
      }, FIRST_PING_MS);
    },
    onWaitEnd: () => {
      clearTimeout(first);
      clearInterval(every);
    },
  };
}
