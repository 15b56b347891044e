/**
 * Label values of the gateway's Prometheus series. Every label takes one of a few fixed values
 * (or a platform, or a client format): a series per key, account, model or request would grow
 * without bound and cost Prometheus memory per value ever seen.
 */

/** How a client request ended, by the status the client got. */
export const StatusClass = {
  Success: '2xx',
  Redirect: '3xx',
  ClientError: '4xx',
  ServerError: '5xx',
  /** The client went away before its answer (recorded as 499, nginx's convention). */
  ClientClosed: 'client_closed',
  Other: 'other',
} as const;
export type StatusClass = (typeof StatusClass)[keyof typeof StatusClass];

/** How the scheduler round trip of one select ended. */
export const SelectOutcome = {
  /** An account with a slot already held for the request. */
  Slot: 'slot',
  /**
   * No select: the session's leased account, its slot taken by the gateway in Redis (one
   * round trip; see SessionLeases).
   */
  Lease: 'lease',
  /** No select and no Redis call: a slot this gateway kept for leased sessions (LeaseSlotStock). */
  LeaseKept: 'lease_kept',
  /** An account to wait for (the gateway then queues for its slot). */
  WaitPlan: 'wait_plan',
  /** The scheduler answered that no account can serve the request. */
  NoAccount: 'no_account',
  /** No usable answer: timeout, no scheduler, a dependency of the scheduler down. */
  Error: 'error',
} as const;
export type SelectOutcome = (typeof SelectOutcome)[keyof typeof SelectOutcome];

/** How one attempt on one account ended. */
export const AttemptResult = {
  /** The answer reached the client (whatever its 2xx status). */
  Served: 'served',
  /**
   * An account-level failure (see FailoverReason): the relay moves on to another account while
   * the request's switch budget lasts, so the last one of a request that ran out is one too.
   */
  Failover: 'failover',
  /** The upstream refused the request itself (400, 404, 413…); passed to the client as it is. */
  ClientError: 'client_error',
  /** The upstream broke off a stream after part of it reached the client. */
  Broken: 'broken',
  /** The client went away during the attempt. */
  Aborted: 'aborted',
} as const;
export type AttemptResult = (typeof AttemptResult)[keyof typeof AttemptResult];

/** Why an attempt failed over, from the upstream's status (or the lack of an answer). */
export const FailoverReason = {
  Unauthorized: '401',
  Forbidden: '403',
  RateLimited: '429',
  Overloaded: '529',
  /** Any other 5xx. */
  ServerError: '5xx',
  /** Another status that one of the operator's upstream error rules marks as the account's. */
  Rule: 'rule',
  /** No answer: connection refused or reset. */
  Connection: 'connection',
  /** No answer in time (connect, first byte or idle timeout). */
  Timeout: 'timeout',
  /** Not sent: the account could not be prepared (OAuth refresh failed, account gone, model not mapped). */
  NotSent: 'not_sent',
} as const;
export type FailoverReason = (typeof FailoverReason)[keyof typeof FailoverReason];

/** The class of the status a client got; 499 is the gateway's "client closed the request". */
export function statusClass(status: number): StatusClass {
  if (status === 499) return StatusClass.ClientClosed;
  if (status >= 200 && status < 300) return StatusClass.Success;
  if (status >= 400 && status < 500) return StatusClass.ClientError;
  if (status >= 500 && status < 600) return StatusClass.ServerError;
  if (status >= 300 && status < 400) return StatusClass.Redirect;
  return StatusClass.Other;
}

/** The reason an upstream answer with `status` (null: no answer) failed over. */
export function failoverReason(status: number | null, timedOut: boolean): FailoverReason {
  switch (status) {
    case null:
      return timedOut ? FailoverReason.Timeout : FailoverReason.Connection;
    case 401:
      return FailoverReason.Unauthorized;
    case 403:
      return FailoverReason.Forbidden;
    case 429:
      return FailoverReason.RateLimited;
    case 529:
      return FailoverReason.Overloaded;
    default:
      return status >= 500 ? FailoverReason.ServerError : FailoverReason.Rule;
  }
}
