import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A rendered report. */
export type Report = {
  readonly kind: string;
  readonly generatedAt: Date;
  readonly markdown: string;
};

export type ReportTargets = {
  /** Directory the report is written to as `<kind>-<yyyymmddThhmm>Z.md`. */
  readonly dir: string | undefined;
  /** URL the report is POSTed to as JSON `{ report, generatedAt, markdown }`. */
  readonly webhookUrl: string | undefined;
};

export const ReportTarget = { Dir: 'dir', Webhook: 'webhook' } as const;
export type ReportTarget = (typeof ReportTarget)[keyof typeof ReportTarget];

export class ReportDeliveryError extends Error {
  readonly code = 'report_delivery_failed';
  readonly retryable = true;
  readonly target: ReportTarget;

  constructor(target: ReportTarget, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReportDeliveryError';
    this.target = target;
  }
}

// 10 s: a webhook receiver (chat, mail relay) answers in well under a second; a hung one must
// not hold the report job's lock for long.
const WEBHOOK_TIMEOUT_MS = 10_000;

/** The file name a report gets in the reports directory. */
export function reportFileName(report: Report): string {
  const stamp = report.generatedAt.toISOString().slice(0, 16).replace(/[-:]/g, '');
  return `${report.kind}-${stamp}Z.md`;
}

/**
 * Delivers a report to every configured target; each target is tried even if another failed.
 * Resolves with the targets that took it; throws ReportDeliveryError (the first failure) after
 * trying all.
 */
export async function deliverReport(
  report: Report,
  targets: ReportTargets,
): Promise<ReportTarget[]> {
  const delivered: ReportTarget[] = [];
  const failures: ReportDeliveryError[] = [];
  if (targets.dir !== undefined) {
    try {
      await mkdir(targets.dir, { recursive: true });
      await writeFile(join(targets.dir, reportFileName(report)), report.markdown, 'utf8');
      delivered.push(ReportTarget.Dir);
    } catch (err) {
      failures.push(
        new ReportDeliveryError(ReportTarget.Dir, `writing ${report.kind} failed`, { cause: err }),
      );
    }
  }
  if (targets.webhookUrl !== undefined) {
    try {
      const response = await fetch(targets.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          report: report.kind,
          generatedAt: report.generatedAt.toISOString(),
          markdown: report.markdown,
        }),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`webhook answered ${response.status}`);
      delivered.push(ReportTarget.Webhook);
    } catch (err) {
      // The URL may carry a token: never put it in the message.
      failures.push(
        new ReportDeliveryError(ReportTarget.Webhook, `posting ${report.kind} failed`, {
          cause: err,
        }),
      );
    }
  }
  if (failures.length > 0) throw failures[0]!;
  return delivered;
}
