import { AccountEventType } from '@switchyard/contracts';
import type { AccountEvent } from '@switchyard/contracts';
import type { Logger } from '@switchyard/telemetry';
import type { CandidateStore } from './candidate-store.js';

/**
 * Applies `acct.v1.events.*` to the replica's accounts the moment they arrive (a plain core
 * subscription, not the JetStream consumer: speed matters more than replay here, since the
 * snapshot builder folds every event into the snapshots durably).
 *
 * Only `account_state` — what a gateway saw upstream: rate limited, overloaded, broken — is
 * applied in memory, because it must stop selection within milliseconds. Structural changes
 * (account edited, groups, bulk edits, rebuilds) reach the replica as `snap.v1.updated` once
 * the snapshot builder has rewritten the buckets; `last_used` plays no part in selection.
 */
export function handleAccountEvent(
  store: CandidateStore,
  logger: Logger,
  event: AccountEvent,
): void {
  if (event.type !== AccountEventType.AccountState) return;
  const applied = store.applyState(event.accountId, {
    rateLimitResetAt: event.rateLimitResetAt,
    overloadUntil: event.overloadUntil,
    tempUnschedulableUntil: event.tempUnschedulableUntil,
    tempUnschedulableReason: event.tempUnschedulableReason,
    status: event.status,
    schedulable: event.schedulable,
    observedAt: event.observedAt,
  });
  if (!applied) {
    logger.debug('stale account state dropped', {
      accountId: event.accountId,
      eventId: event.eventId,
      observedAt: event.observedAt,
    });
  }
}
