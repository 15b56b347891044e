import type { Bus } from '@switchyard/bus';
import type { EpochMs } from '@switchyard/domain';

type JetStreamManager = Awaited<ReturnType<Bus['jsm']>>;

/** The JetStream side of a lag sample (the rebuild marker comes from Redis). */
export interface ConsumerBacklog {
  readonly pending: number;
  readonly oldestPendingAt: EpochMs | null;
}

/**
 * Reads the durable consumer's backlog: `num_pending` (not yet delivered) plus
 * `num_ack_pending` (delivered, not acked), and the stream timestamp of the oldest event not
 * yet acked — the one right after the ack floor. When that message is gone (removed by the
 * stream's age limit), the stream's first message is the oldest one left.
 */
export async function readConsumerBacklog(
  jsm: JetStreamManager,
  stream: string,
  durable: string,
): Promise<ConsumerBacklog> {
  const info = await jsm.consumers.info(stream, durable);
  const pending = info.num_pending + info.num_ack_pending;
  if (pending === 0) return { pending, oldestPendingAt: null };
  const oldest = await jsm.streams.getMessage(stream, { seq: info.ack_floor.stream_seq + 1 });
  if (oldest !== null) return { pending, oldestPendingAt: oldest.time.getTime() };
  const { state } = await jsm.streams.info(stream);
  const first = state.messages > 0 ? Date.parse(state.first_ts) : Number.NaN;
  return { pending, oldestPendingAt: Number.isNaN(first) ? null : first };
}
