import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from './logger.js';
import { metricsHandler } from './metrics-registry.js';
import type { ReadinessCheck } from './readiness.js';
import { runReadinessChecks } from './readiness.js';

export interface OpsServerOptions {
  readonly host: string;
  /** 0 picks a free port; the chosen one is in the result. */
  readonly port: number;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Dependencies that must answer for `/readyz` to say ready, e.g. `{ nats, redis, postgres }`. */
  readonly checks?: Readonly<Record<string, ReadinessCheck>>;
  /** Per-check bound; default 1000 ms, well inside a Kubernetes probe's own 1 s timeout budget. */
  readonly checkTimeoutMs?: number;
  /** Everything that is not a probe or `/metrics` (e.g. the service's express app). */
  readonly handler?: RequestListener;
  /** The classes the server builds each request and response from (see RequestClasses). */
  readonly requestClasses?: RequestClasses;
}

/**
 * Subclasses of node's IncomingMessage and ServerResponse for the server to build requests and
 * responses from, so that they are born with the prototype a framework wants (e.g. express's
 * request and response) instead of being re-prototyped per request, which V8 makes costly.
 */
export interface RequestClasses {
  readonly IncomingMessage: typeof IncomingMessage;
  readonly ServerResponse: new (req: IncomingMessage) => ServerResponse;
}

export interface OpsServer {
  readonly server: Server;
  /** `http://host:port`, with a wildcard host replaced by loopback so it can be fetched. */
  readonly url: string;
  readonly port: number;
  /** From now on `/readyz` answers 503 `draining`, so load balancers stop sending traffic. */
  drain(): void;
  /** Stops accepting connections and resolves once in-flight requests have finished. */
  close(): Promise<void>;
}

const DEFAULT_CHECK_TIMEOUT_MS = 1000;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * One node:http server per process for probes and metrics — `GET /healthz`, `GET /readyz`,
 * `GET /metrics` — passing every other request to `handler` (or answering 404 JSON).
 */
export function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const { logger, registry, handler } = options;
  const checks = options.checks ?? {};
  const checkTimeoutMs = options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const serveMetrics = metricsHandler(registry);
  let draining = false;
  let lastReady: boolean | undefined;

  async function readyz(res: ServerResponse): Promise<void> {
    if (draining) {
      sendJson(res, 503, { status: 'draining', checks: {} });
      return;
    }
    const report = await runReadinessChecks(checks, checkTimeoutMs);
    // Probes run every few seconds: log changes of state, not every answer.
    if (report.ready !== lastReady) {
      if (report.ready) logger.info('ready', { checks: report.checks });
      else logger.warn('not ready', { checks: report.checks });
      lastReady = report.ready;
    }
    sendJson(res, report.ready ? 200 : 503, {
      status: report.ready ? 'ready' : 'not_ready',
      checks: report.checks,
    });
  }

  function route(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?', 1)[0];
    const isRead = req.method === 'GET' || req.method === 'HEAD';
    if (isRead && path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (isRead && path === '/readyz') {
      readyz(res).catch((error: unknown) => fail(res, error));
      return;
    }
    if (isRead && path === '/metrics') return serveMetrics(req, res);
    if (handler !== undefined) return void handler(req, res);
    sendJson(res, 404, { error: 'not_found', message: `no route for ${req.method} ${path}` });
  }

  function fail(res: ServerResponse, error: unknown): void {
    logger.error('ops server request failed', { err: error });
    if (!res.headersSent) sendJson(res, 500, { error: 'internal', message: 'internal error' });
    else res.destroy();
  }

  const listener: RequestListener = (req, res) => {
    try {
      route(req, res);
    } catch (error) {
      fail(res, error);
    }
  };
  const server =
    options.requestClasses === undefined
      ? createServer(listener)
      : createServer(
          {
            IncomingMessage: options.requestClasses.IncomingMessage,
            // node types the option as the generic class; a subclass for IncomingMessage is it.
            ServerResponse: options.requestClasses.ServerResponse as typeof ServerResponse,
          },
          listener,
        );

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      server.on('error', (error) => logger.error('ops server error', { err: error }));
      const port = (server.address() as AddressInfo).port;
      const url = `http://${urlHost(options.host)}:${port}`;
      logger.info('http server listening', { url, host: options.host, port });
      let closed: Promise<void> | undefined;
      resolve({
        server,
        url,
        port,
        drain() {
          draining = true;
        },
        close() {
          closed ??= new Promise<void>((done, failed) => {
            server.close((error) => (error === undefined ? done() : failed(error)));
            // Keep-alive sockets with no request in flight would otherwise hold close() open.
            server.closeIdleConnections();
          });
          return closed;
        },
      });
    });
  });
}
