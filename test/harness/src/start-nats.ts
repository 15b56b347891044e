import { join } from 'node:path';
import { startLoopbackServer, type LoopbackServer } from './loopback-server.js';
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

/**
 * A nats-server started for a test, on 127.0.0.1 only; `url` is `nats://127.0.0.1:<port>`.
 * restart keeps the JetStream data.
 */
export type NatsServer = LoopbackServer;

/** Starts a real nats-server (JetStream on by default) on a free loopback port. */
export async function startNats(options: NatsServerOptions = {}): Promise<NatsServer> {
  const jetstream = options.jetstream ?? true;
  return startLoopbackServer(
    {
      binary: 'nats-server',
      scheme: 'nats',
      argsFor: (port, dir) => [
        ...['-a', '127.0.0.1', '-p', String(port)],
        ...(jetstream ? ['-js', '-sd', join(dir, 'jetstream')] : []),
      ],
      // nats-server opens the client port after JetStream is up, and greets with INFO.
      isReady: (port) => probeTcp(port, { expect: /^INFO / }),
    },
    options,
  );
}
