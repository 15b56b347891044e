import type { Bus } from '@switchyard/bus';
import type { MetricsSnapshot } from '@switchyard/contracts';
import { Subjects, metricsSnapshotSchema } from '@switchyard/contracts';

export type SchedulerMetrics = {
  /** One snapshot per scheduler replica that answered in time. */
  readonly replicas: readonly MetricsSnapshot[];
  /** Replies that were not a valid snapshot (version skew), counted rather than failing all. */
  readonly invalidReplies: number;
  /** Set when the request itself failed (e.g. no scheduler is running). */
  readonly error: string | null;
};

// After the first reply, a replica silent for this long is taken as not coming: replicas on
// one network answer within a few ms of each other.
const STALL_MS = 200;

/**
 * Asks the scheduler replicas for their metrics over `sched.v1.metrics`. Each replica answers
 * for itself, so one request may gather several replies: taken until the replies stall or
 * `timeoutMs` passes. Replies are the RPC envelope `{ ok, data }`.
 */
export async function gatherSchedulerMetrics(
  bus: Bus,
  timeoutMs: number,
): Promise<SchedulerMetrics> {
  const replicas: MetricsSnapshot[] = [];
  let invalidReplies = 0;
  try {
    const replies = await bus.nc.requestMany(Subjects.schedMetrics, '{}', {
      strategy: 'stall',
      stall: STALL_MS,
      maxWait: timeoutMs,
    });
    for await (const reply of replies) {
      const parsed = metricsSnapshotSchema.safeParse(envelopeData(reply.string()));
      if (parsed.success) replicas.push(parsed.data);
      else invalidReplies++;
    }
  } catch (err) {
    if (replicas.length === 0) {
      return { replicas, invalidReplies, error: err instanceof Error ? err.message : String(err) };
    }
  }
  return { replicas, invalidReplies, error: null };
}

function envelopeData(text: string): unknown {
  try {
    const envelope = JSON.parse(text) as { ok?: unknown; data?: unknown } | null;
    return envelope?.ok === true ? envelope.data : undefined;
  } catch {
    return undefined;
  }
}
