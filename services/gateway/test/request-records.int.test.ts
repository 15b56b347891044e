import { connectBus, ensureStream, type Bus } from '@switchyard/bus';
import { Streams, Subjects, type Report, type UsageRecorded } from '@switchyard/contracts';
import { startHarness, type Harness } from '@switchyard/harness';
import { createLogger } from '@switchyard/telemetry';
import {
  AsyncAckPublisher,
  EndOfTurn,
  JetStreamRequestEvents,
  ReportPublisher,
} from '../src/index.js';

const silent = createLogger({
  service: 'gateway',
  level: 'error',
  destination: { write: () => 0 },
});

function usage(requestId: string): UsageRecorded {
  return {
    requestId,
    apiKeyId: 1,
    userId: 2,
    groupId: 3,
    accountId: 4,
    platform: 'anthropic',
    requestedModel: 'claude-sonnet-4-6',
    upstreamModel: 'claude-sonnet-4-6',
    inputTokens: 10,
    outputTokens: 5,
    cacheCreationTokens: 0,
    cacheReadTokens: 0,
    stream: false,
    durationMs: 12,
    firstTokenMs: 8,
    isCountTokens: false,
    occurredAt: Date.parse('2031-05-05T10:00:00Z'),
  };
}

function throwsOnError(error: unknown): void {
  throw error;
}

describe('EndOfTurn', () => {
  it('runs the tasks deferred in one turn together, after that turn', async () => {
    const turn = new EndOfTurn(throwsOnError);
    const ran: string[] = [];
    turn.defer(() => ran.push('a'));
    turn.defer(() => ran.push('b'));
    ran.push('now');
    await new Promise((resolve) => setImmediate(resolve));
    expect(ran).toEqual(['now', 'a', 'b']);
  });

  it('still runs the other tasks when one throws, and tells about it', async () => {
    const errors: unknown[] = [];
    const turn = new EndOfTurn((error) => errors.push(error));
    const ran: string[] = [];
    turn.defer(() => {
      throw new Error('broken');
    });
    turn.defer(() => ran.push('after'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ran).toEqual(['after']);
    expect(errors).toEqual([new Error('broken')]);
  });
});

describe('request records and reports on NATS', () => {
  let harness: Harness<{ nats: true }>;
  let bus: Bus;

  beforeAll(async () => {
    harness = await startHarness({ nats: true });
    bus = await connectBus({ servers: harness.natsUrl, name: 'records-test' });
  });

  afterAll(async () => {
    await bus?.close();
    await harness?.stop();
  });

  async function storedRecords(stream: string): Promise<Record<string, unknown>[]> {
    const jsm = await bus.jsm();
    const info = await jsm.streams.info(stream);
    const out: Record<string, unknown>[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const msg = await jsm.streams.getMessage(stream, { seq });
      if (msg !== null) out.push(msg.json<Record<string, unknown>>());
    }
    return out;
  }

  it('stores each usage and error record once, however often it is handed over', async () => {
    const jsm = await bus.jsm();
    await ensureStream(jsm, {
      name: Streams.usageEvents.name,
      subjects: Streams.usageEvents.subjects,
    });
    const events = new JetStreamRequestEvents(bus.nc, new EndOfTurn(throwsOnError), silent);
    events.usage(usage('req-1'));
    events.usage(usage('req-2'));
    events.usage(usage('req-1'));
    events.error({
      requestId: 'req-3',
      attemptId: 'req-3:0',
      phase: 'upstream',
      statusCode: 200,
      upstreamStatusCode: 529,
      errorOwner: 'provider',
      isBusinessLimited: false,
      isCountTokens: false,
      platform: 'anthropic',
      groupId: 3,
      accountId: 4,
      apiKeyId: 1,
      retryCount: 0,
      message: 'upstream 529',
      occurredAt: Date.parse('2031-05-05T10:00:00Z'),
    });
    await events.flush();
    events.close();
    const stored = await storedRecords(Streams.usageEvents.name);
    expect(stored.map((r) => r.attemptId ?? r.requestId)).toEqual(['req-1', 'req-2', 'req-3:0']);
    expect(stored[0]).toEqual(usage('req-1'));
  });

  it('keeps trying while no stream takes the subject, and stores the record once one does', async () => {
    const subject = 'records-test.late';
    const gaveUp: unknown[] = [];
    const publisher = new AsyncAckPublisher(bus.nc, new EndOfTurn(throwsOnError), {
      retries: 3,
      onGiveUp: (ids) => gaveUp.push(ids),
    });
    publisher.publish(subject, { n: 1 }, 'late-1', { requestId: 'late-1' });
    // The first attempt finds no stream (no responders); the retries come 100, 200, 400 ms on.
    await new Promise((resolve) => setTimeout(resolve, 150));
    await ensureStream(await bus.jsm(), { name: 'RECORDS_TEST_LATE', subjects: [subject] });
    await publisher.flush();
    publisher.close();
    expect(gaveUp).toEqual([]);
    expect(await storedRecords('RECORDS_TEST_LATE')).toEqual([{ n: 1 }]);
  });

  it('gives a record up after its last retry and names it', async () => {
    const gaveUp: { ids: unknown; error: Error }[] = [];
    const publisher = new AsyncAckPublisher(bus.nc, new EndOfTurn(throwsOnError), {
      retries: 1,
      onGiveUp: (ids, error) => gaveUp.push({ ids, error }),
    });
    publisher.publish('records-test.nowhere', { n: 1 }, 'lost-1', { requestId: 'lost-1' });
    await publisher.flush();
    publisher.close();
    expect(gaveUp).toEqual([
      {
        ids: { requestId: 'lost-1' },
        error: expect.objectContaining({ message: expect.stringContaining('no stream') }),
      },
    ]);
  });

  it('gives a record up when nothing acknowledges it in time', async () => {
    // A subscriber that is not a stream: the publish is delivered, but no ack ever comes.
    const silentListener = bus.nc.subscribe('records-test.unacked', { callback: () => undefined });
    await bus.nc.flush();
    const gaveUp: { ids: unknown; error: Error }[] = [];
    const publisher = new AsyncAckPublisher(bus.nc, new EndOfTurn(throwsOnError), {
      retries: 0,
      ackTimeoutMs: 100,
      onGiveUp: (ids, error) => gaveUp.push({ ids, error }),
    });
    publisher.publish('records-test.unacked', { n: 1 }, 'unacked-1', { requestId: 'unacked-1' });
    await publisher.flush();
    publisher.close();
    silentListener.unsubscribe();
    expect(gaveUp).toEqual([
      {
        ids: { requestId: 'unacked-1' },
        error: expect.objectContaining({ message: expect.stringContaining('no acknowledgement') }),
      },
    ]);
  });

  it('publishes reports to every scheduler replica as they are', async () => {
    const received: unknown[] = [];
    const replicas = [0, 1].map(() =>
      bus.nc.subscribe(Subjects.schedReport, {
        callback: (_err, msg) => {
          received.push(msg.json());
        },
      }),
    );
    await bus.nc.flush();
    const reports = new ReportPublisher(bus.nc, new EndOfTurn(throwsOnError), silent);
    const report: Report = {
      accountId: 4,
      requestId: 'req-9',
      success: true,
      durationMs: 12.5,
      firstTokenMs: 3.25,
      statusCode: 200,
    };
    reports.report(report);
    await new Promise((resolve) => setImmediate(resolve));
    await bus.nc.flush();
    for (let i = 0; i < 50 && received.length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    for (const sub of replicas) sub.unsubscribe();
    expect(received).toEqual([report, report]);
  });
});
