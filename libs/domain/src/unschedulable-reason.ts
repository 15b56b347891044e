/** Why `isSchedulable` refused an account; the first failing rule wins (see is-schedulable.ts). */
export const UnschedulableReason = {
  Status: 'status',
  NotSchedulable: 'not_schedulable',
  Expired: 'expired',
  RateLimited: 'rate_limited',
  Overloaded: 'overloaded',
  TempUnschedulable: 'temp_unschedulable',
} as const;

export type UnschedulableReason = (typeof UnschedulableReason)[keyof typeof UnschedulableReason];
