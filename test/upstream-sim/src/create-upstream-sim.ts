import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BehaviourInput } from './core/behaviour.js';
import { OAUTH_TOKEN_PATH } from './core/armed-faults.js';
import { SimControl } from './core/sim-control.js';
import { SimState } from './core/sim-state.js';
import { handleApiCall } from './http/handle-api-call.js';
import { CONTROL_PREFIX, handleControl } from './http/handle-control.js';
import { handleOAuthToken } from './http/handle-oauth-token.js';
import { routeRequest } from './http/router.js';
import { sendJson } from './http/send-json.js';

export interface UpstreamSimOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Behaviour of credentials that have none of their own (fields left out: built-in defaults). */
  readonly defaults?: BehaviourInput;
  /** Epoch ms; token expiry and reset headers read it. Default Date.now. */
  readonly clock?: () => number;
  /** Random numbers in [0, 1) for fault probabilities. Default Math.random. */
  readonly random?: () => number;
  /** Request log size; default 10,000. */
  readonly logCapacity?: number;
}

export interface UpstreamSim {
  /** e.g. `http://127.0.0.1:18090` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly control: SimControl;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

// Longer than clients' idle keep-alive (undici: 4 s) so the sim never closes a socket under a
// request the client is about to send, which would show up as gateway errors in benchmarks.
const KEEP_ALIVE_MS = 65_000;

function splitUrl(url: string): [string, string] {
  const q = url.indexOf('?');
  return q < 0 ? [url, ''] : [url.slice(0, q), url.slice(q + 1)];
}

function handler(state: SimState, control: SimControl) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    res.on('error', () => undefined);
    const [path, query] = splitUrl(req.url ?? '/');
    let work: Promise<void>;
    if (path === '/readyz' || path === '/healthz') {
      // Same probe paths as the services, so start scripts can wait on every process alike.
      sendJson(res, 200, { ok: true });
      return;
    }
    if (path.startsWith(`${CONTROL_PREFIX}/`)) {
      work = handleControl(control, req, res, path, query);
    } else if (path === OAUTH_TOKEN_PATH && req.method === 'POST') {
      work = handleOAuthToken(state, req, res);
    } else {
      const route = routeRequest(req.method ?? 'GET', path, req.headers);
      if (route === null) {
        sendJson(res, 404, {
          error: { message: `no route ${req.method ?? ''} ${path}`, type: 'not_found_error' },
        });
        return;
      }
      work = handleApiCall(state, route, req, res, path, query);
    }
    work.catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      sendJson(res, 500, {
        error: { message: `upstream-sim failure: ${message}`, type: 'sim_error' },
      });
    });
  };
}

/** Starts the simulated Anthropic / OpenAI / Gemini / Antigravity upstream. */
export async function createUpstreamSim(options: UpstreamSimOptions = {}): Promise<UpstreamSim> {
  const state = new SimState({
    ...(options.defaults === undefined ? {} : { defaults: options.defaults }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.random === undefined ? {} : { random: options.random }),
    ...(options.logCapacity === undefined ? {} : { logCapacity: options.logCapacity }),
  });
  const control = new SimControl(state);
  // Validate the defaults the same way as run-time input.
  if (options.defaults !== undefined) control.setDefaults(options.defaults);
  const server = createServer({ keepAliveTimeout: KEEP_ALIVE_MS }, handler(state, control));
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    control,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
