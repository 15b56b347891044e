import { ensureStream, type Bus } from '@switchyard/bus';
import { Streams } from '@switchyard/contracts';

type JetStreamManager = Awaited<ReturnType<Bus['jsm']>>;

// 7 days: the metrics-aggregator normally consumes within a second; a week covers an
// aggregator outage over a long weekend without losing a record.
const USAGE_EVENTS_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Makes sure `USAGE_EVENTS` exists before the first record is published. Only creates it: when
 * it exists, its settings are left to the metrics-aggregator, which owns the stream's
 * consumers, so two services never keep rewriting each other's configuration.
 */
export async function ensureUsageEventsStream(jsm: JetStreamManager): Promise<void> {
  const exists = await jsm.streams.info(Streams.usageEvents.name).then(
    () => true,
    () => false,
  );
  if (exists) return;
  await ensureStream(jsm, {
    name: Streams.usageEvents.name,
    subjects: Streams.usageEvents.subjects,
    maxAgeMs: USAGE_EVENTS_MAX_AGE_MS,
  });
}
