import type { Bus } from '@switchyard/bus';
import { Subjects, type OpsError, type UsageRecorded } from '@switchyard/contracts';
import type { Logger } from '@switchyard/telemetry';
import { AsyncAckPublisher } from './async-ack-publisher.js';
import type { EndOfTurn } from './end-of-turn.js';

/** Where the relay's per-request records go. */
export interface RequestEvents {
  usage(event: UsageRecorded): void;
  error(event: OpsError): void;
}

// 3 retries with backoff (~1 s of trying after a refusal) then give up: the request is long
// answered by then, and holding records in memory for longer would grow without bound while
// NATS is away.
const RETRIES = 3;

/**
 * Publishes usage and error records to JetStream `USAGE_EVENTS` without holding up the
 * client: at the end of the turn, acknowledged asynchronously (AsyncAckPublisher), deduplicated
 * by message id (request id for usage, attempt id for errors) so a retried publish lands once.
 * A record that cannot be published is logged (its ids only) so an operator can see the gap.
 */
export class JetStreamRequestEvents implements RequestEvents {
  readonly #publisher: AsyncAckPublisher;

  constructor(nc: Bus['nc'], turn: EndOfTurn, logger: Logger) {
    this.#publisher = new AsyncAckPublisher(nc, turn, {
      retries: RETRIES,
      onGiveUp: (ids, error) => logger.warn('request record not published', { ...ids, error }),
    });
  }

  usage(event: UsageRecorded): void {
    this.#publisher.publish(Subjects.usageRecorded, event, event.requestId, {
      kind: 'usage',
      requestId: event.requestId,
    });
  }

  error(event: OpsError): void {
    this.#publisher.publish(Subjects.opsError, event, event.attemptId, {
      kind: 'error',
      requestId: event.requestId,
      attemptId: event.attemptId,
    });
  }

  /** Resolves once every record handed over so far was published or given up (shutdown). */
  flush(): Promise<void> {
    return this.#publisher.flush();
  }

  /** Stops listening for acknowledgements; call after `flush`. */
  close(): void {
    this.#publisher.close();
  }
}
