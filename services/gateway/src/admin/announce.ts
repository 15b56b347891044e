import type { AccountEventInput } from '@switchyard/bus';
import { GatewayError } from '../errors/index.js';
import type { AdminDeps } from './admin-deps.js';

/**
 * Publishes the events of a change already committed to Postgres, in order. When that fails
 * the change still stands (Postgres is the truth and the next full rebuild spreads it), so the
 * caller answers 503 saying exactly that rather than pretending nothing happened.
 */
export async function announce(
  deps: AdminDeps,
  events: readonly AccountEventInput[],
): Promise<void> {
  for (const event of events) {
    try {
      await deps.events.publish(event);
    } catch (cause) {
      deps.logger?.error('admin change saved but its account event was not published', {
        type: event.type,
        error: cause instanceof Error ? cause.message : String(cause),
      });
      throw new GatewayError(
        'service_unavailable',
        'The change was saved but could not be announced to the schedulers; it takes effect at the next full snapshot rebuild.',
        { cause },
      );
    }
  }
}
