import { join } from 'node:path';
import { createServerDir } from './child-registry.js';
import { findBinary } from './find-binary.js';
import { ManagedServer } from './managed-server.js';
import { probeTcp } from './probes.js';

export type RedisServerOptions = {
  /** A fixed port; by default a free one is picked. */
  readonly port?: number;
  /** More redis-server arguments, e.g. `['--maxmemory', '10mb']`. */
  readonly args?: readonly string[];
  /** Default 15 000 ms. */
  readonly startTimeoutMs?: number;
};

/** A redis-server started for a test, on 127.0.0.1 only, without persistence. */
export type RedisServer = {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Its current pid (a restart changes it). */
  readonly pid: number;
  /** Stops the server and removes its directory. Safe to call more than once. */
  stop(): Promise<void>;
  /** Sends a signal (SIGKILL unless told) and returns at once, to simulate a crash. */
  kill(signal?: NodeJS.Signals): void;
  /** Stops the server if it runs and starts it again on the same port, empty. */
  restart(): Promise<void>;
};

const DEFAULT_START_TIMEOUT_MS = 15_000;

/** Starts a real redis-server on a free loopback port. */
export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  const command = findBinary('redis-server');
  const dir = createServerDir('redis', 'SIGKILL');
  const server = await ManagedServer.start({
    dir,
    ...(options.port === undefined ? {} : { port: options.port }),
    specFor: (port) => ({
      name: 'redis-server',
      command,
      args: [
        ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
        // Test data is disposable: no RDB snapshots, no AOF.
        ...['--save', '', '--appendonly', 'no', '--daemonize', 'no'],
        ...(options.args ?? []),
      ],
      dir,
      logFile: join(dir, 'redis-server.log'),
      isReady: () => probeTcp(port, { send: 'PING\r\n', expect: /^\+PONG\r\n/ }),
      startTimeoutMs: options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
      stopSignal: 'SIGTERM',
    }),
  });
  return {
    url: `redis://127.0.0.1:${server.port}`,
    port: server.port,
    get pid() {
      return server.pid;
    },
    stop: () => server.stop(),
    kill: (signal) => server.kill(signal),
    restart: () => server.restart(),
  };
}
