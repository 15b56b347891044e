import type { JetStreamManager } from '@nats-io/jetstream';
import { Streams } from '@switchyard/contracts';
import type { EnsureOutcome } from './ensure-stream.js';
import { ensureStream } from './ensure-stream.js';

// 24 h: the snapshot-builder normally acks within milliseconds; a builder that stays down
// longer rebuilds everything from Postgres at start-up anyway, so older events are worthless.
export const ACCOUNT_EVENTS_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * Makes sure stream `ACCOUNT_EVENTS` (`acct.v1.events.>`) exists. Every service that publishes
 * or consumes account events calls it at start-up; it is idempotent and safe to race.
 */
export function ensureAccountEventsStream(jsm: JetStreamManager): Promise<EnsureOutcome> {
  return ensureStream(jsm, {
    name: Streams.accountEvents.name,
    subjects: Streams.accountEvents.subjects,
    maxAgeMs: ACCOUNT_EVENTS_MAX_AGE_MS,
  });
}
