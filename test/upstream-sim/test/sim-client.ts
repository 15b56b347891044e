import { request } from 'node:http';
import { createParser } from 'eventsource-parser';
import type { EventSourceMessage } from 'eventsource-parser';

export interface JsonResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

/** A JSON POST (or GET when body is undefined). */
export async function call(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  const res = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as Record<string, unknown>,
  };
}

export interface SseResult {
  readonly status: number;
  readonly headers: Headers;
  readonly events: EventSourceMessage[];
  /** Set when the body ended with an error (connection cut). */
  readonly error: unknown;
}

/** POSTs and parses the SSE answer with eventsource-parser, keeping what arrived before a cut. */
export async function stream(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<SseResult> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  const decoder = new TextDecoder();
  let error: unknown = null;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      parser.feed(decoder.decode(chunk, { stream: true }));
    }
  } catch (cause: unknown) {
    error = cause;
  }
  return { status: res.status, headers: res.headers, events, error };
}

/** JSON payloads of the events (skipping `[DONE]`). */
export function payloads(events: readonly EventSourceMessage[]): Record<string, unknown>[] {
  return events
    .filter((e) => e.data !== '[DONE]')
    .map((e) => JSON.parse(e.data) as Record<string, unknown>);
}

/** A raw POST over node:http that reports the socket error code, if any. */
export function rawPost(
  url: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<{ status: number | null; error: NodeJS.ErrnoException | null }> {
  return new Promise((resolve) => {
    const req = request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? null, error: null }));
      res.on('error', (error: NodeJS.ErrnoException) =>
        resolve({ status: res.statusCode ?? null, error }),
      );
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ status: null, error }));
    req.end(JSON.stringify(body));
  });
}
