import type { OpsMetricsRecord } from '@switchyard/db';
import type { AccountAvailability } from '../queries/account-availability.js';
import { AVAILABILITY_STATES } from '../queries/account-availability.js';
import type { ErrorDistribution } from '../queries/error-distribution.js';
import { integer, ms, percent, table } from './markdown.js';

function dayLabel(day: Date): string {
  return day.toISOString().slice(0, 10);
}

/** Daily summary of one UTC day: its overall and per-platform daily rows. */
export function renderDailySummary(day: Date, rows: readonly OpsMetricsRecord[]): string {
  const body = rows
    .filter((row) => row.group_id === null)
    .map((row) => {
      const attempts = row.success_count + row.error_count_total;
      return [
        row.platform ?? 'all platforms',
        integer(attempts),
        percent(attempts === 0 ? null : row.success_count / attempts),
        integer(row.error_count_sla),
        integer(row.business_limited_count),
        integer(row.upstream_429_count + row.upstream_529_count),
        integer(row.token_consumed),
        `${ms(row.duration_p50_ms) ?? '–'} / ${ms(row.duration_p99_ms) ?? '–'}`,
        `${ms(row.ttft_p50_ms) ?? '–'} / ${ms(row.ttft_p99_ms) ?? '–'}`,
      ];
    });
  return [
    `# Daily summary — ${dayLabel(day)} (UTC)`,
    '',
    body.length === 0
      ? '_No traffic recorded for this day._'
      : table(
          [
            'Platform',
            'Requests',
            'Success rate',
            'SLA errors',
            'Business-limited',
            'Upstream 429/529',
            'Tokens',
            'Duration p50 / p99',
            'TTFT p50 / p99',
          ],
          body,
        ),
    '',
  ].join('\n');
}

/** Error digest of a time range. */
export function renderErrorDigest(from: Date, to: Date, errors: ErrorDistribution): string {
  const parts = [
    `# Error digest — ${from.toISOString()} to ${to.toISOString()}`,
    '',
    `${integer(errors.total)} errors (count_tokens probes excluded), of which ` +
      `${integer(errors.businessLimited)} business-limited.`,
  ];
  if (errors.total > 0) {
    parts.push(
      '',
      '## By owner',
      '',
      table(
        ['Owner', 'Errors'],
        errors.byOwner.map((r) => [r.owner, integer(r.count)]),
      ),
      '',
      '## By status returned to the client',
      '',
      table(
        ['Status', 'Errors'],
        errors.byStatus.map((r) => [r.statusCode, integer(r.count)]),
      ),
      '',
      '## By platform',
      '',
      table(
        ['Platform', 'Errors'],
        errors.byPlatform.map((r) => [r.platform, integer(r.count)]),
      ),
      '',
      '## Upstream statuses',
      '',
      table(
        ['Upstream status', 'Errors'],
        errors.byUpstreamStatus.map((r) => [r.upstreamStatusCode, integer(r.count)]),
      ),
      '',
      '## Most frequent messages',
      '',
      table(
        ['Message', 'Errors'],
        errors.topMessages.map((r) => [r.message, integer(r.count)]),
      ),
    );
  }
  parts.push('');
  return parts.join('\n');
}

/** Account health: availability per platform and the accounts that are out. */
export function renderAccountHealth(availability: AccountAvailability): string {
  const platformRows = availability.rows.filter((row) => row.groupId === null);
  const parts = [
    `# Account health — ${new Date(availability.at).toISOString()}`,
    '',
    platformRows.length === 0
      ? '_No accounts configured._'
      : table(
          ['Platform', 'Total', ...AVAILABILITY_STATES],
          platformRows.map((row) => [
            row.platform,
            row.counts.total,
            ...AVAILABILITY_STATES.map((state) => row.counts[state]),
          ]),
        ),
  ];
  if (availability.unavailable.length > 0) {
    parts.push(
      '',
      '## Accounts out of rotation',
      '',
      table(
        ['Account', 'Platform', 'State', 'Until', 'Detail'],
        availability.unavailable.map((a) => [
          `${a.name} (#${a.id})`,
          a.platform,
          a.state,
          a.untilMs === null ? null : new Date(a.untilMs).toISOString(),
          a.detail,
        ]),
      ),
    );
  }
  parts.push('');
  return parts.join('\n');
}
