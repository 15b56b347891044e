import type { BucketKey } from '@switchyard/domain';
import type { AccountEventType } from './account-event-type.js';

/**
 * NATS subjects. Versioned (`v1`) so that a breaking message change gets a new subject and old
 * and new replicas can run side by side during a rollout.
 */
export const Subjects = {
  /** Request/reply, queue group `scheduler`: pick an account. */
  schedSelect: 'sched.v1.select',
  /** Publish, fan-out to every scheduler replica (no queue group): request outcome. */
  schedReport: 'sched.v1.report',
  /** Request/reply: one replica's scheduler metrics. */
  schedMetrics: 'sched.v1.metrics',
  /** JetStream `ACCOUNT_EVENTS`, one subject per event type. */
  accountEvent: (type: AccountEventType) => `acct.v1.events.${type}` as const,
  accountEventsAll: 'acct.v1.events.>',
  /** A bucket snapshot was rewritten. Bucket keys hold ':' but no '.', so they are one token. */
  snapUpdated: (bucket: BucketKey) => `snap.v1.updated.${bucket}` as const,
  snapUpdatedAll: 'snap.v1.updated.>',
  /** JetStream `USAGE_EVENTS`: one usage record per served request. */
  usageRecorded: 'usage.v1.recorded',
  /** JetStream `USAGE_EVENTS`: one error record per failed attempt. */
  opsError: 'ops.v1.error',
} as const;

export const QueueGroups = {
  /** Select requests are shared among scheduler replicas. */
  scheduler: 'scheduler',
} as const;
