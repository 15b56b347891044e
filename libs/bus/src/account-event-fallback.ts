import { AccountEventType } from '@switchyard/contracts';
import type { AccountStateEvent, LastUsedEvent } from '@switchyard/contracts';
import type { AccountEventFallback } from './account-event-publisher.js';
import type { BusLogger } from './bus-logger.js';
import { silentLogger } from './bus-logger.js';

/** The Postgres writes a fallback needs; the caller binds them to its database. */
export interface AccountEventFallbackOptions {
  /**
   * Writes the state columns unless Postgres already holds a newer observation
   * (`persistAccountState` in @switchyard/db).
   */
  readonly persistState: (event: AccountStateEvent) => Promise<unknown>;
  /** Moves last-used times forward (`recordAccountsLastUsed` in @switchyard/db). */
  readonly persistLastUsed?: (event: LastUsedEvent) => Promise<unknown>;
  readonly logger?: BusLogger;
}

/**
 * The fallback for AccountEventPublisher when NATS is down. State a gateway observed upstream
 * exists nowhere but in the event, so it is written to Postgres here (newer observation wins,
 * exactly as the snapshot-builder would have written it), and likewise last-used marks. Every
 * other event announces a change the admin API already committed to Postgres: nothing to
 * write, and the next full rebuild (periodic, or at the builder's start) spreads it to the
 * snapshots — we log it so an operator can see snapshots lag until then.
 */
export function accountEventFallback(options: AccountEventFallbackOptions): AccountEventFallback {
  const logger = options.logger ?? silentLogger;
  return async (event) => {
    switch (event.type) {
      case AccountEventType.AccountState:
        await options.persistState(event);
        return;
      case AccountEventType.LastUsed:
        if (options.persistLastUsed !== undefined) {
          await options.persistLastUsed(event);
          return;
        }
        break;
      default:
        break;
    }
    logger.warn('account event left to the next full rebuild', {
      type: event.type,
      eventId: event.eventId,
    });
  };
}
