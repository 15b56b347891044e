import { publishDurable, type Bus } from '@switchyard/bus';
import { Subjects, type OpsError, type UsageRecorded } from '@switchyard/contracts';
import type { Logger } from '@switchyard/telemetry';

type JetStreamClient = ReturnType<Bus['js']>;

/** Where the relay's per-request records go. */
export interface RequestEvents {
  usage(event: UsageRecorded): void;
  error(event: OpsError): void;
}

// 3 retries with backoff (~1 s of trying) then give up: the request is long answered by then,
// and holding records in memory for longer would grow without bound while NATS is away.
const RETRIES = 3;

/**
 * Publishes usage and error records to JetStream `USAGE_EVENTS` without holding up the
 * client: fire and forget, deduplicated by message id (request id for usage, attempt id for
 * errors) so a retried publish lands once. A record that cannot be published is logged (its
 * ids and counts only) so an operator can see the gap.
 */
export class JetStreamRequestEvents implements RequestEvents {
  readonly #js: JetStreamClient;
  readonly #logger: Logger;
  #pending = new Set<Promise<unknown>>();

  constructor(js: JetStreamClient, logger: Logger) {
    this.#js = js;
    this.#logger = logger;
  }

  usage(event: UsageRecorded): void {
    this.#track(
      publishDurable(this.#js, Subjects.usageRecorded, event, {
        msgId: event.requestId,
        retries: RETRIES,
      }),
      { kind: 'usage', requestId: event.requestId },
    );
  }

  error(event: OpsError): void {
    this.#track(
      publishDurable(this.#js, Subjects.opsError, event, {
        msgId: event.attemptId,
        retries: RETRIES,
      }),
      { kind: 'error', requestId: event.requestId, attemptId: event.attemptId },
    );
  }

  /** Resolves once every record handed over so far was published or given up (shutdown). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }

  #track(publishing: Promise<unknown>, ids: Record<string, string>): void {
    const settled = publishing.then(
      () => undefined,
      (err: unknown) => this.#logger.warn('request record not published', { ...ids, error: err }),
    );
    this.#pending.add(settled);
    void settled.finally(() => this.#pending.delete(settled));
  }
}
