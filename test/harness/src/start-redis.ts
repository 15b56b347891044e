import { startLoopbackServer, type LoopbackServer } from './loopback-server.js';
import { probeTcp } from './probes.js';

export type RedisServerOptions = {
  /** A fixed port; by default a free one is picked. */
  readonly port?: number;
  /** More redis-server arguments, e.g. `['--maxmemory', '10mb']`. */
  readonly args?: readonly string[];
  /** Default 15 000 ms. */
  readonly startTimeoutMs?: number;
};

/**
 * A redis-server started for a test, on 127.0.0.1 only, without persistence; `url` is
 * `redis://127.0.0.1:<port>`. restart brings it back empty.
 */
export type RedisServer = LoopbackServer;

/** Starts a real redis-server on a free loopback port. */
export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  return startLoopbackServer(
    {
      binary: 'redis-server',
      scheme: 'redis',
      argsFor: (port, dir) => [
        ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
        // Test data is disposable: no RDB snapshots, no AOF.
        ...['--save', '', '--appendonly', 'no', '--daemonize', 'no'],
      ],
      isReady: (port) => probeTcp(port, { send: 'PING\r\n', expect: /^\+PONG\r\n/ }),
    },
    options,
  );
}
