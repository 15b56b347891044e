import type { EventEmitter } from 'node:events';
import { Agent, request, type Dispatcher } from 'undici';
import type { UpstreamTarget } from './upstream-target.js';

export type UpstreamClientOptions = {
  /** Time allowed to open the TCP (and TLS) connection. */
  readonly connectTimeoutMs: number;
  /** Time allowed from sending the request to the response headers. */
  readonly firstByteTimeoutMs: number;
  /** Longest silence between two body chunks. */
  readonly idleTimeoutMs: number;
};

/** What came back: status, headers and the body as a stream (consume it or `destroy` it). */
export type UpstreamResponse = Dispatcher.ResponseData;

// 30 s idle keep-alive: upstream APIs keep connections for about a minute, and re-opening a TLS
// connection costs more than the whole relay; the server's own Keep-Alive hint caps it.
const KEEP_ALIVE_MS = 30_000;

/**
 * The gateway's HTTP client for upstream calls: one undici Agent, so each upstream origin gets
 * its own keep-alive pool (no per-request connection set-up), with the connect, first-byte and
 * idle timeouts from config.
 */
export class UpstreamClient {
  readonly dispatcher: Agent;
  readonly #firstByteTimeoutMs: number;
  readonly #idleTimeoutMs: number;

  constructor(options: UpstreamClientOptions) {
    this.dispatcher = new Agent({
      keepAliveTimeout: KEEP_ALIVE_MS,
      keepAliveMaxTimeout: KEEP_ALIVE_MS,
      connect: { timeout: options.connectTimeoutMs },
    });
    this.#firstByteTimeoutMs = options.firstByteTimeoutMs;
    this.#idleTimeoutMs = options.idleTimeoutMs;
  }

  send(
    target: UpstreamTarget,
    body: Buffer | string | undefined,
    /** Cancels the call (an AbortSignal, or an EventEmitter with `aborted` and 'abort'). */
    signal: AbortSignal | EventEmitter,
  ): Promise<UpstreamResponse> {
    return request(target.url, {
      method: target.method,
      headers: target.headers,
      body: body ?? null,
      signal,
      dispatcher: this.dispatcher,
      headersTimeout: this.#firstByteTimeoutMs,
      bodyTimeout: this.#idleTimeoutMs,
    });
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}
