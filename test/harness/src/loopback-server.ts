import { join } from 'node:path';
import { createServerDir } from './child-registry.js';
import { findBinary } from './find-binary.js';
import { ManagedServer } from './managed-server.js';

/** A server started for a test, on 127.0.0.1 only, in a temporary directory of its own. */
export type LoopbackServer = {
  /** `<scheme>://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Its current pid (a restart changes it). */
  readonly pid: number;
  /** Stops the server and removes its directory. Safe to call more than once. */
  stop(): Promise<void>;
  /** Sends a signal (SIGKILL unless told) and returns at once, to simulate a crash. */
  kill(signal?: NodeJS.Signals): void;
  /**
   * Stops the server if it runs and starts it again on the same port and directory: what the
   * server keeps on disk there survives.
   */
  restart(): Promise<void>;
};

/** How to run one kind of server. */
export type LoopbackServerSpec = {
  /** The binary's name, e.g. `nats-server`; also names its log file and its start errors. */
  readonly binary: string;
  /** The URL's scheme, e.g. `nats`; also names the server's temporary directory. */
  readonly scheme: string;
  /** The server's own arguments for its port and directory, before the caller's `args`. */
  readonly argsFor: (port: number, dir: string) => readonly string[];
  /** Polled until it resolves true. */
  readonly isReady: (port: number) => Promise<boolean>;
};

/** The options every loopback server takes (NatsServerOptions, RedisServerOptions). */
export type LoopbackServerOptions = {
  /** A fixed port; by default a free one is picked. */
  readonly port?: number;
  /** More arguments, after the spec's own. */
  readonly args?: readonly string[];
  /** Default 15 000 ms. */
  readonly startTimeoutMs?: number;
};

const DEFAULT_START_TIMEOUT_MS = 15_000;

/**
 * Starts a server binary on a loopback port (a free one unless told), waits until it answers,
 * and hands back a handle that can crash, restart and stop it. stop asks with SIGTERM; a server
 * still running when this process exits is SIGKILLed (it holds nothing worth a clean shutdown).
 */
export async function startLoopbackServer(
  spec: LoopbackServerSpec,
  options: LoopbackServerOptions = {},
): Promise<LoopbackServer> {
  const command = findBinary(spec.binary);
  const dir = createServerDir(spec.scheme, 'SIGKILL');
  const server = await ManagedServer.start({
    dir,
    ...(options.port === undefined ? {} : { port: options.port }),
    specFor: (port) => ({
      name: spec.binary,
      command,
      args: [...spec.argsFor(port, dir), ...(options.args ?? [])],
      dir,
      logFile: join(dir, `${spec.binary}.log`),
      isReady: () => spec.isReady(port),
      startTimeoutMs: options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
      stopSignal: 'SIGTERM',
    }),
  });
  return {
    url: `${spec.scheme}://127.0.0.1:${server.port}`,
    port: server.port,
    get pid() {
      return server.pid;
    },
    stop: () => server.stop(),
    kill: (signal) => server.kill(signal),
    restart: () => server.restart(),
  };
}
