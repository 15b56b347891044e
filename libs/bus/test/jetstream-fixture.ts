import { startNats } from '@switchyard/harness';
import type { NatsServer } from '@switchyard/harness';
import { connectBus, ensureConsumer, ensureStream, publishDurable } from '@switchyard/bus';
import type { Bus, ConsumerHandle } from '@switchyard/bus';
import type { JetStreamManager } from '@nats-io/jetstream';
import { z } from 'zod';

/** The message the JetStream tests publish and consume. */
export const Usage = z.object({ requestId: z.string(), tokens: z.number() });
export type Usage = z.infer<typeof Usage>;

export type JetStreamFixtureOptions = {
  /** The NATS connection's name. */
  readonly connectionName: string;
  /** Each test's stream is `<streamPrefix>_<n>`. */
  readonly streamPrefix: string;
  /** Each test's subjects are below `test.<subjectTag><n>`. */
  readonly subjectTag: string;
};

/** What a test of the file sees; stream and subjects are fresh for every test. */
export type JetStreamFixture = {
  readonly bus: Bus;
  readonly jsm: JetStreamManager;
  readonly stream: string;
  /** `test.<subjectTag><n>`: the test's stream takes every subject below it. */
  readonly prefix: string;
  /** `<prefix>.usage`, where the test publishes. */
  readonly subject: string;
  /** Consumers the test started: stopped after it. */
  readonly running: ConsumerHandle[];
  /** Creates the test's stream over `<prefix>.>` and a durable consumer on it. */
  streamWithConsumer(durable: string): Promise<void>;
  /** Publishes usage `r<from>` … `r<from + count - 1>` (tokens = index, msgId = requestId). */
  publishUsage(count: number, from?: number): Promise<void>;
  /** The consumer's messages delivered but not acked, and those not delivered yet. */
  pending(durable: string): Promise<{ ackPending: number; pending: number }>;
};

/**
 * Registers the file's jest hooks: one nats-server with JetStream and one connection for the
 * file, a fresh stream name and subject prefix before each test, and its consumers stopped after.
 */
export function useJetStream(options: JetStreamFixtureOptions): JetStreamFixture {
  let server: NatsServer;
  let bus: Bus;
  let jsm: JetStreamManager;
  let n = 0;
  const running: ConsumerHandle[] = [];

  beforeAll(async () => {
    server = await startNats();
    bus = await connectBus({ servers: server.url, name: options.connectionName });
    jsm = await bus.jsm();
  });
  afterAll(async () => {
    await bus.close();
    await server.stop();
  });
  beforeEach(() => {
    n++;
  });
  afterEach(async () => {
    for (const h of running.splice(0)) await h.stop();
  });

  const fixture: JetStreamFixture = {
    get bus() {
      return bus;
    },
    get jsm() {
      return jsm;
    },
    get stream() {
      return `${options.streamPrefix}_${n}`;
    },
    get prefix() {
      return `test.${options.subjectTag}${n}`;
    },
    get subject() {
      return `${fixture.prefix}.usage`;
    },
    running,
    async streamWithConsumer(durable) {
      await ensureStream(jsm, { name: fixture.stream, subjects: [`${fixture.prefix}.>`] });
      await ensureConsumer(jsm, fixture.stream, { durableName: durable, ackWaitMs: 30_000 });
    },
    async publishUsage(count, from = 0) {
      for (let i = from; i < from + count; i++) {
        const usage: Usage = { requestId: `r${i}`, tokens: i };
        await publishDurable(bus.js(), fixture.subject, usage, { msgId: usage.requestId });
      }
    },
    async pending(durable) {
      const info = await jsm.consumers.info(fixture.stream, durable);
      return { ackPending: info.num_ack_pending, pending: info.num_pending };
    },
  };
  return fixture;
}
