import type { Bus, OnMalformed } from '@switchyard/bus';
import { ensureStream, headersWithTrace } from '@switchyard/bus';
import type { Logger } from '@switchyard/telemetry';

/**
 * Where malformed usage and error events go: a stream of the aggregator's own (not part of the
 * wire contract: only the aggregator writes and an operator reads it), one subject per original
 * subject. The original bytes are kept as they came, with the reason in a header, so a fixed
 * aggregator (or a person) can replay them.
 */
export const PARKED_EVENTS_STREAM = {
  name: 'USAGE_EVENTS_PARKED',
  subjects: ['metrics.v1.parked.>'],
} as const;

// 30 days: long enough for someone to notice the counter and look; parked events are rare.
const PARKED_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

export function parkedSubject(original: string): string {
  return `metrics.v1.parked.${original}`;
}

export async function ensureParkedStream(bus: Bus): Promise<void> {
  await ensureStream(await bus.jsm(), {
    name: PARKED_EVENTS_STREAM.name,
    subjects: [...PARKED_EVENTS_STREAM.subjects],
    maxAgeMs: PARKED_MAX_AGE_MS,
  });
}

/**
 * The consumer's dead-letter hook: republishes the raw event to the parked stream (the message
 * id makes a repeated park of the same delivery a no-op) and counts it. A throw here makes the
 * bus nak the event instead of terminating it, so it is parked on a later delivery, never lost.
 */
export function parkInStream(bus: Bus, logger: Logger, count: () => void): OnMalformed {
  return async (raw, reason) => {
    await bus.js().publish(parkedSubject(raw.subject), raw.data, {
      msgID: `${raw.subject}:${raw.seq ?? 'unknown'}`,
      headers: headersWithTrace({
        'Switchyard-Parked-Reason': reason.message.slice(0, 500),
        'Switchyard-Parked-Subject': raw.subject,
        'Switchyard-Parked-Seq': String(raw.seq ?? ''),
      }),
    });
    count();
    logger.warn('malformed event parked', {
      subject: raw.subject,
      seq: raw.seq,
      reason: reason.message,
    });
  };
}

/** How many events are parked now. */
export async function parkedCount(bus: Bus): Promise<number> {
  const info = await (await bus.jsm()).streams.info(PARKED_EVENTS_STREAM.name);
  return info.state.messages;
}
