import { publish, type Bus } from '@switchyard/bus';
import { Subjects, type Report } from '@switchyard/contracts';
import type { Logger } from '@switchyard/telemetry';
import type { EndOfTurn } from './end-of-turn.js';

/** Where the relay sends each attempt's outcome (structurally the scheduler client's `report`). */
export type ReportSink = {
  report(report: Report): void;
};

/**
 * Publishes the relay's reports on `sched.v1.report` (fan-out to every scheduler replica) at the
 * end of the turn (EndOfTurn), beside the request's records. Reports are built by the relay
 * from typed values, so they are not run through the schema here: every scheduler validates what
 * it receives. A report that cannot be published is logged and dropped — reports only feed
 * statistics, and a lost one must never fail a request.
 */
export class ReportPublisher implements ReportSink {
  readonly #nc: Bus['nc'];
  readonly #turn: EndOfTurn;
  readonly #logger: Logger;

  constructor(nc: Bus['nc'], turn: EndOfTurn, logger: Logger) {
    this.#nc = nc;
    this.#turn = turn;
    this.#logger = logger;
  }

  report(report: Report): void {
    this.#turn.defer(() => {
      try {
        publish(this.#nc, Subjects.schedReport, report);
      } catch (error) {
        this.#logger.warn('report not published', { requestId: report.requestId, error });
      }
    });
  }
}
