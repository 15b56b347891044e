import { subscribe, type Bus } from '@switchyard/bus';
import { AccountEventType, Subjects, accountEventSchema } from '@switchyard/contracts';
import type { Logger } from '@switchyard/telemetry';
import type { SessionLeases } from '../relay/session-leases.js';
import type { AccountStore } from './account-store.js';

/**
 * Evicts cached accounts when an account event says they changed (credentials rotated, base URL
 * or mapping edited, state changed), so the next request reads Postgres again, and ends the
 * session leases on them, so the next request of those sessions selects again. A plain
 * subscription: every gateway replica gets every event, at once.
 */
export function watchAccountChanges(
  nc: Bus['nc'],
  store: AccountStore,
  logger: Logger,
  leases?: SessionLeases,
): { stop(): void } {
  const handle = subscribe(nc, Subjects.accountEventsAll, {
    schema: accountEventSchema,
    logger,
    handler: (event) => {
      switch (event.type) {
        case AccountEventType.AccountChanged:
        case AccountEventType.AccountState:
        case AccountEventType.AccountGroupsChanged:
          store.invalidate(event.accountId);
          leases?.forgetAccount(event.accountId);
          return;
        case AccountEventType.AccountBulkChanged:
          for (const id of event.accountIds) {
            store.invalidate(id);
            leases?.forgetAccount(id);
          }
          return;
        case AccountEventType.FullRebuild:
          store.clear();
          leases?.forgetAll();
          return;
        case AccountEventType.GroupChanged:
          // Group settings feed decisions (models, platform); such edits are rare, so every
          // lease ends rather than only the group's.
          leases?.forgetAll();
          return;
        default:
          return;
      }
    },
  });
  return { stop: () => handle.stop() };
}
