import { join } from 'node:path';
import { createServerDir } from './child-registry.js';
import { findBinary } from './find-binary.js';
import { ManagedServer } from './managed-server.js';
import { probeTcp } from './probes.js';

export type NatsServerOptions = {
  /** JetStream on (default true), storing under the server's temporary directory. */
  readonly jetstream?: boolean;
  /** A fixed port; by default a free one is picked. */
  readonly port?: number;
  /** More nats-server arguments. */
  readonly args?: readonly string[];
  /** Default 15 000 ms. */
  readonly startTimeoutMs?: number;
};

/** A nats-server started for a test, on 127.0.0.1 only. */
export type NatsServer = {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Its current pid (a restart changes it). */
  readonly pid: number;
  /** Stops the server and removes its directory. Safe to call more than once. */
  stop(): Promise<void>;
  /** Sends a signal (SIGKILL unless told) and returns at once, to simulate a crash. */
  kill(signal?: NodeJS.Signals): void;
  /** Stops the server if it runs and starts it again on the same port; JetStream data is kept. */
  restart(): Promise<void>;
};

const DEFAULT_START_TIMEOUT_MS = 15_000;

/** Starts a real nats-server (JetStream on by default) on a free loopback port. */
export async function startNats(options: NatsServerOptions = {}): Promise<NatsServer> {
  const command = findBinary('nats-server');
  const dir = createServerDir('nats', 'SIGKILL');
  const jetstream = options.jetstream ?? true;
  const server = await ManagedServer.start({
    dir,
    ...(options.port === undefined ? {} : { port: options.port }),
    specFor: (port) => ({
      name: 'nats-server',
      command,
      args: [
        ...['-a', '127.0.0.1', '-p', String(port)],
        ...(jetstream ? ['-js', '-sd', join(dir, 'jetstream')] : []),
        ...(options.args ?? []),
      ],
      dir,
      logFile: join(dir, 'nats-server.log'),
      // nats-server opens the client port after JetStream is up, and greets with INFO.
      isReady: () => probeTcp(port, { expect: /^INFO / }),
      startTimeoutMs: options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
      stopSignal: 'SIGTERM',
    }),
  });
  return {
    url: `nats://127.0.0.1:${server.port}`,
    port: server.port,
    get pid() {
      return server.pid;
    },
    stop: () => server.stop(),
    kill: (signal) => server.kill(signal),
    restart: () => server.restart(),
  };
}
