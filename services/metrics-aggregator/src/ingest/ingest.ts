import type { BatchItem, Bus, ConsumerHandle } from '@switchyard/bus';
import { consumeBatchStream, ensureConsumer, ensureStream } from '@switchyard/bus';
import type { OpsError, UsageRecorded } from '@switchyard/contracts';
import { Streams, Subjects, opsErrorSchema, usageRecordedSchema } from '@switchyard/contracts';
import type { Db } from '@switchyard/db';
import { insertOpsErrorLogs, insertUsageLogs } from '@switchyard/db';
import type { Logger } from '@switchyard/telemetry';
import type { AggregatorMetrics } from '../aggregator-metrics.js';
import { errorRow, uniqueBy, usageRow } from './event-rows.js';
import type { PriceBook } from './price-book.js';
import { ensureParkedStream, parkInStream } from './parked-events.js';

/**
 * Durable consumers of `USAGE_EVENTS`, one per subject (2.9 has no multi-subject filters, and
 * one schema per consumer means a batch is one table and one statement). Every replica binds
 * to the same two, so the server spreads the events over them.
 */
export const IngestConsumers = {
  usage: 'metrics-aggregator-usage',
  errors: 'metrics-aggregator-errors',
} as const;

// 7 days: the aggregator may be down over a long weekend without losing a usage record; the
// stream is small (a few hundred bytes an event) and acked events are kept only until then.
export const USAGE_EVENTS_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/** Creates `USAGE_EVENTS` (or brings its settings in line); safe from every replica at once. */
export async function ensureUsageEventsStream(bus: Bus): Promise<void> {
  await ensureStream(await bus.jsm(), {
    name: Streams.usageEvents.name,
    subjects: [...Streams.usageEvents.subjects],
    maxAgeMs: USAGE_EVENTS_MAX_AGE_MS,
  });
}

export type IngestSettings = {
  readonly batchSize: number;
  readonly batchMaxWaitMs: number;
  /** Batches written concurrently per consumer. */
  readonly maxInFlight: number;
  /** How long the server waits for an ack before redelivering to another replica. */
  readonly ackWaitMs: number;
  /** Prices usage records for API keys' USD quotas (MODEL_PRICES). */
  readonly prices: PriceBook;
};

export type IngestDeps = {
  readonly bus: Bus;
  readonly db: Db;
  readonly logger: Logger;
  readonly metrics: AggregatorMetrics;
};

export type Ingest = {
  stop(): Promise<void>;
  stats(): {
    usage: ReturnType<ConsumerHandle['stats']>;
    errors: ReturnType<ConsumerHandle['stats']>;
  };
};

/**
 * Starts both consumers: each batch is one multi-row insert that skips ids already stored,
 * acked only after it committed. A crash before the acks redelivers the batch after
 * `ackWaitMs`, and the insert skips what the first attempt already wrote: every event is
 * stored exactly once.
 */
export async function startIngest(deps: IngestDeps, settings: IngestSettings): Promise<Ingest> {
  const { bus, db, logger, metrics } = deps;
  const { prices } = settings;
  const jsm = await bus.jsm();
  await ensureUsageEventsStream(bus);
  await ensureParkedStream(bus);
  const consumerSettings = {
    ackWaitMs: settings.ackWaitMs,
    // Room for every batch in flight plus the ones filling behind them; beyond that the server
    // holds events back, which is the backpressure when Postgres is slow.
    maxAckPending: settings.batchSize * settings.maxInFlight * 2,
  };
  await ensureConsumer(jsm, Streams.usageEvents.name, {
    durableName: IngestConsumers.usage,
    filterSubject: Subjects.usageRecorded,
    ...consumerSettings,
  });
  await ensureConsumer(jsm, Streams.usageEvents.name, {
    durableName: IngestConsumers.errors,
    filterSubject: Subjects.opsError,
    ...consumerSettings,
  });

  const common = {
    batchSize: settings.batchSize,
    maxWaitMs: settings.batchMaxWaitMs,
    maxInFlight: settings.maxInFlight,
    logger: logger.child({ component: 'ingest' }),
  };
  const usage = await consumeBatchStream(
    bus.js(),
    Streams.usageEvents.name,
    IngestConsumers.usage,
    {
      ...common,
      schema: usageRecordedSchema,
      onMalformed: parkInStream(bus, logger, () => metrics.parked.inc({ kind: 'usage' })),
      handler: (items: BatchItem<UsageRecorded>[]) =>
        writeBatch(metrics, 'usage', items.length, async () => {
          const rows = uniqueBy(items, (i) => i.value.requestId).map((i) => {
            const cost = prices.costOf(i.value);
            if (cost === null) metrics.unpriced.inc();
            return usageRow(i.value, cost ?? 0);
          });
          return insertUsageLogs(db.db, rows);
        }),
    },
  );
  const errors = await consumeBatchStream(
    bus.js(),
    Streams.usageEvents.name,
    IngestConsumers.errors,
    {
      ...common,
      schema: opsErrorSchema,
      onMalformed: parkInStream(bus, logger, () => metrics.parked.inc({ kind: 'error' })),
      handler: (items: BatchItem<OpsError>[]) =>
        writeBatch(metrics, 'error', items.length, async () => {
          const rows = uniqueBy(items, (i) => i.value.attemptId).map((i) => errorRow(i.value));
          return insertOpsErrorLogs(db.db, rows);
        }),
    },
  );
  return {
    async stop() {
      await Promise.all([usage.stop(), errors.stop()]);
    },
    stats: () => ({ usage: usage.stats(), errors: errors.stats() }),
  };
}

async function writeBatch(
  metrics: AggregatorMetrics,
  kind: 'usage' | 'error',
  size: number,
  insert: () => Promise<number>,
): Promise<void> {
  const endTimer = metrics.batchSeconds.startTimer({ kind });
  const inserted = await insert();
  endTimer();
  metrics.events.inc({ kind, outcome: 'inserted' }, inserted);
  metrics.events.inc({ kind, outcome: 'duplicate' }, size - inserted);
}
