import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { Streams, Subjects } from '@switchyard/contracts';
import { publishDurable } from '@switchyard/bus';
import { createApiKey, generateApiKey, getApiKey } from '@switchyard/db';
import { startHarness, type Harness } from '@switchyard/harness';
import { IngestConsumers, PARKED_EVENTS_STREAM, ensureUsageEventsStream } from '../src/index.js';
import { countRows, publishEvents, startAggregator, waitFor } from './fixture.js';
import { generateEvents } from './generate-events.js';
import { listen } from './http-server.js';

const HOUR = 3_600_000;

describe('ingest', () => {
  let harness: Harness<{ nats: true; redis: true; migrate: true }>;

  beforeEach(async () => {
    harness = await startHarness({ nats: true, redis: true, migrate: true });
  });
  afterEach(async () => {
    await harness.stop();
  });

  it('stores an event published twice once, whether the stream or the insert drops the copy', async () => {
    const running = await startAggregator(harness);
    try {
      const events = generateEvents({
        from: Date.now() - HOUR,
        to: Date.now(),
        usage: 300,
        errors: 120,
        seed: 7,
      });
      // Same message ids: the stream's duplicate window drops the copies.
      await publishEvents(running.bus, events);
      await publishEvents(running.bus, events);
      // New message ids (a producer replaying after a fallback): the insert skips them.
      await publishEvents(running.bus, events, { msgIdSuffix: ':replay' });
      const replayed = events.usage.length + events.errors.length;
      await waitFor(
        async () => (await running.aggregator.metrics.events.get()).values,
        (values) =>
          values
            .filter((v) => v.labels.outcome === 'duplicate')
            .reduce((s, v) => s + v.value, 0) === replayed,
      );
      expect(await countRows(running.db)).toEqual({ usage: 300, errors: 120 });
      const [distinct] = await running.db.sql<{ u: number; e: number }[]>`
        select (select count(distinct request_id) from usage_logs)::int as u,
               (select count(distinct attempt_id) from ops_error_logs)::int as e`;
      expect(distinct).toEqual({ u: 300, e: 120 });
      // Rows carry the event's own time, so a replay lands in the same bucket.
      const [first] = await running.db.sql<{ created_at: Date }[]>`
        select created_at from usage_logs where request_id = ${events.usage[0]!.requestId}`;
      expect(first!.created_at.getTime()).toBe(events.usage[0]!.occurredAt);
    } finally {
      await running.stop();
    }
  });

  it("prices each usage record from MODEL_PRICES and adds the cost to its key's quota_used_usd", async () => {
    const running = await startAggregator(harness, {
      env: {
        MODEL_PRICES: JSON.stringify({
          'model-a*': { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.2 },
        }),
      },
    });
    try {
      const generated = generateApiKey();
      const key = await createApiKey(running.db.db, {
        name: 'priced',
        keyHash: generated.keyHash,
        keyPrefix: generated.keyPrefix,
        quotaLimitUsd: 100,
      });
      const [template] = generateEvents({
        from: Date.now() - HOUR,
        to: Date.now(),
        usage: 1,
        errors: 0,
        seed: 3,
      }).usage;
      const usage = (requestId: string, upstreamModel: string) => ({
        ...template!,
        requestId,
        apiKeyId: key.id,
        upstreamModel,
        isCountTokens: false,
        inputTokens: 1_000_000,
        outputTokens: 100_000,
        cacheCreationTokens: 0,
        cacheReadTokens: 500_000,
      });
      // 2 + 1 + 0.1 USD for the priced one; the other model has no price.
      const events = { usage: [usage('priced-1', 'model-a-2025'), usage('free-1', 'model-z')] };
      await publishEvents(running.bus, { ...events, errors: [] });
      await publishEvents(running.bus, { ...events, errors: [] }, { msgIdSuffix: ':replay' });
      await waitFor(
        async () => (await running.aggregator.metrics.events.get()).values,
        (values) => values.reduce((n, v) => n + v.value, 0) === 4,
      );
      const rows = await running.db.sql<{ request_id: string; cost_usd: string }[]>`
        select request_id, cost_usd from usage_logs where api_key_id = ${key.id}
        order by request_id`;
      expect(rows.map((r) => [r.request_id, Number(r.cost_usd)])).toEqual([
        ['free-1', 0],
        ['priced-1', 3.1],
      ]);
      expect((await getApiKey(running.db.db, key.id))?.quotaUsedUsd).toBe(3.1);
      const unpriced = await running.aggregator.metrics.unpriced.get();
      expect(unpriced.values[0]?.value).toBeGreaterThanOrEqual(1);
    } finally {
      await running.stop();
    }
  });

  it('parks a malformed event with its reason, counts it and keeps consuming behind it', async () => {
    const running = await startAggregator(harness);
    try {
      const js = running.bus.js();
      await js.publish(Subjects.usageRecorded, new TextEncoder().encode('{not json'), {
        msgID: 'bad-1',
      });
      await publishDurable(
        js,
        Subjects.opsError,
        { requestId: 'r', attemptId: 'a' },
        { msgId: 'bad-2' },
      );
      const events = generateEvents({
        from: Date.now() - HOUR,
        to: Date.now(),
        usage: 50,
        errors: 20,
        seed: 8,
      });
      await publishEvents(running.bus, events);
      await waitFor(
        () => countRows(running.db),
        (c) => c.usage === 50 && c.errors === 20,
      );

      const jsm = await running.bus.jsm();
      const parked = await waitFor(
        () => jsm.streams.info(PARKED_EVENTS_STREAM.name),
        (info) => info.state.messages === 2,
      );
      expect(parked.state.messages).toBe(2);
      const badJson = await jsm.streams.getMessage(PARKED_EVENTS_STREAM.name, {
        last_by_subj: `metrics.v1.parked.${Subjects.usageRecorded}`,
      });
      expect(new TextDecoder().decode(badJson!.data)).toBe('{not json');
      expect(badJson!.header.get('Switchyard-Parked-Reason')).toMatch(/JSON/);
      const badSchema = await jsm.streams.getMessage(PARKED_EVENTS_STREAM.name, {
        last_by_subj: `metrics.v1.parked.${Subjects.opsError}`,
      });
      expect(badSchema!.header.get('Switchyard-Parked-Reason')).toMatch(/phase/);
      const counted = (await running.aggregator.metrics.parked.get()).values;
      expect(counted.map((v) => [v.labels.kind, v.value]).sort()).toEqual([
        ['error', 1],
        ['usage', 1],
      ]);
      const server = await listen(running.aggregator.handler);
      try {
        const res = await fetch(`${server.url}/api/ops/ingest`);
        expect(await res.json()).toEqual({ parkedEvents: 2 });
      } finally {
        await server.close();
      }
      // Terminated, not pending: nothing is left for the consumers to redeliver.
      for (const durable of Object.values(IngestConsumers)) {
        const info = await jsm.consumers.info(Streams.usageEvents.name, durable);
        expect(info.num_ack_pending + info.num_pending).toBe(0);
      }
    } finally {
      await running.stop();
    }
  });

  it('stores every event exactly once after an aggregator is killed with SIGKILL mid-batch and restarted', async () => {
    const total = 10_000;
    const events = generateEvents({
      from: Date.now() - HOUR,
      to: Date.now(),
      usage: total,
      errors: 0,
      seed: 9,
    });
    // A backlog first, so the process is busy writing batches when it is killed.
    const publisher = await startAggregator(harness, { tuning: { ingest: false } });
    const children: ChildProcess[] = [];
    try {
      await ensureUsageEventsStream(publisher.bus);
      await publishEvents(publisher.bus, events);

      const first = spawnAggregator(harness);
      children.push(first);
      await waitFor(
        () => countRows(publisher.db),
        (c) => c.usage > 0,
        30_000,
      );
      await kill(first, 'SIGKILL');
      const jsm = await publisher.bus.jsm();
      const atKill = await jsm.consumers.info(Streams.usageEvents.name, IngestConsumers.usage);
      const storedAtKill = (await countRows(publisher.db)).usage;
      // Killed mid-stream: some events stored, some delivered but never acked.
      expect(storedAtKill).toBeLessThan(total);
      expect(atKill.num_ack_pending).toBeGreaterThan(0);

      children.push(spawnAggregator(harness));
      // Unacked events come back after the consumer's ack wait (10 s).
      await waitFor(
        () => countRows(publisher.db),
        (c) => c.usage === total,
        45_000,
      );
      const [check] = await publisher.db.sql<{ n: number; distinct_ids: number }[]>`
        select count(*)::int as n, count(distinct request_id)::int as distinct_ids from usage_logs`;
      expect(check).toEqual({ n: total, distinct_ids: total });
      await waitFor(
        () => jsm.consumers.info(Streams.usageEvents.name, IngestConsumers.usage),
        (info) => info.num_ack_pending === 0 && info.num_pending === 0,
      );
    } finally {
      await Promise.all(children.map((child) => kill(child, 'SIGTERM')));
      await publisher.stop();
    }
  }, 120_000);
});

function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** The built service as a real process (dist/main.js, built by `tsc -b` before jest). */
function spawnAggregator(h: Harness<{ nats: true; redis: true; migrate: true }>): ChildProcess {
  const child = spawn(process.execPath, [resolve(__dirname, '../dist/main.js')], {
    env: {
      PATH: process.env['PATH'] ?? '',
      NATS_URL: h.natsUrl,
      REDIS_URL: h.redisUrl,
      DATABASE_URL: h.databaseUrl,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: 'error',
      // Small batches: many of them in flight when the kill comes.
      METRICS_BATCH_SIZE: '20',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  process.once('exit', () => child.kill('SIGKILL'));
  return child;
}
