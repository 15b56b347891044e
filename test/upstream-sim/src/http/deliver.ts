import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JsonReply, Reply, StreamReply } from './reply.js';

export interface Timing {
  readonly ttftMs: number;
  readonly interTokenMs: number;
}

export type DeliveryOutcome = 'completed' | 'reset' | 'client_closed';

// Node only knows 529 as "unknown"; Anthropic's own reason phrase reads better in traces.
const REASONS: Record<number, string> = { 529: 'Overloaded' };

/**
 * Waits at least `ms`: timers may fire a fraction of a millisecond early, and a TTFT that
 * undercuts its setting would make gateway timing assertions flaky.
 */
async function sleepAtLeast(ms: number): Promise<void> {
  const until = performance.now() + ms;
  for (let left = ms; left > 0; left = until - performance.now()) await sleep(Math.ceil(left));
}

function gone(res: ServerResponse): boolean {
  return res.destroyed || res.socket === null;
}

/** Resets the connection (TCP RST) before any byte of a response. */
export function resetConnection(res: ServerResponse): void {
  const socket = res.socket;
  if (socket === null) return;
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

/**
 * Ends the connection after what was written so far: FIN once the bytes are flushed, so the
 * client reliably sees exactly those bytes and then a body that stops short.
 */
function cut(res: ServerResponse, pending: string): DeliveryOutcome {
  const socket = res.socket;
  if (pending !== '') res.write(pending);
  else res.flushHeaders();
  socket?.end();
  return 'reset';
}

async function deliverJson(
  res: ServerResponse,
  reply: JsonReply,
  timing: Timing,
  cutAfter: number | null,
): Promise<DeliveryOutcome> {
  if (reply.tokens > 0) {
    const wait = timing.ttftMs + timing.interTokenMs * Math.max(0, reply.tokens - 1);
    if (wait > 0) await sleepAtLeast(wait);
    if (gone(res)) return 'client_closed';
  }
  const body = JSON.stringify(reply.body);
  const headers = {
    'content-type': 'application/json',
    ...reply.headers,
    'content-length': Buffer.byteLength(body),
  };
  res.writeHead(reply.status, REASONS[reply.status], headers);
  if (cutAfter !== null) {
    // A non-streamed answer has no deltas: cut halfway through the body instead.
    return cut(res, body.slice(0, Math.floor(body.length / 2)));
  }
  res.end(body);
  return 'completed';
}

async function deliverStream(
  res: ServerResponse,
  reply: StreamReply,
  timing: Timing,
  cutAfter: number | null,
): Promise<DeliveryOutcome> {
  if (timing.ttftMs > 0) {
    await sleepAtLeast(timing.ttftMs);
    if (gone(res)) return 'client_closed';
  }
  res.writeHead(reply.status, REASONS[reply.status], {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    ...reply.headers,
  });
  let pending = '';
  let deltas = 0;
  for (const frame of reply.frames) {
    if (cutAfter !== null && deltas >= cutAfter && (frame.delta || deltas > 0)) {
      return cut(res, pending);
    }
    if (frame.delta) {
      if (deltas > 0 && timing.interTokenMs > 0) {
        if (pending !== '') res.write(pending);
        pending = '';
        await sleepAtLeast(timing.interTokenMs);
        if (gone(res)) return 'client_closed';
      }
      deltas += 1;
    }
    pending += frame.text;
  }
  if (cutAfter !== null) return cut(res, pending);
  res.end(pending);
  return 'completed';
}

/** Writes a reply with the credential's timing, cutting it short after `cutAfter` deltas. */
export function deliver(
  res: ServerResponse,
  reply: Reply,
  timing: Timing,
  cutAfter: number | null = null,
): Promise<DeliveryOutcome> {
  return reply.kind === 'json'
    ? deliverJson(res, reply, timing, cutAfter)
    : deliverStream(res, reply, timing, cutAfter);
}
