import { makeTestAccount } from '@switchyard/harness';
import type { Account } from '@switchyard/domain';
import {
  CronSyntaxError,
  DAY_MS,
  HOUR_MS,
  availabilityState,
  cronMatches,
  dailyRange,
  hourlyRange,
  parseCron,
  renderErrorDigest,
  summarizeAvailability,
  windowOf,
} from '../src/index.js';

const T = Date.UTC(2026, 2, 10, 12, 7, 30); // Tuesday 2026-03-10 12:07:30 UTC

describe('cron expressions', () => {
  const at = (iso: string) => Date.parse(iso);

  it('matches minutes, hours, ranges, lists and steps in UTC', () => {
    expect(cronMatches(parseCron('* * * * *'), T)).toBe(true);
    expect(cronMatches(parseCron('*/15 * * * *'), at('2026-03-10T12:15:59Z'))).toBe(true);
    expect(cronMatches(parseCron('*/15 * * * *'), at('2026-03-10T12:16:00Z'))).toBe(false);
    expect(cronMatches(parseCron('0 8 * * *'), at('2026-03-10T08:00:00Z'))).toBe(true);
    expect(cronMatches(parseCron('0 8 * * *'), at('2026-03-10T09:00:00Z'))).toBe(false);
    expect(cronMatches(parseCron('5/20 * * * *'), at('2026-03-10T12:45:00Z'))).toBe(true);
    expect(cronMatches(parseCron('0 9-17/4 * * *'), at('2026-03-10T13:00:00Z'))).toBe(true);
    expect(cronMatches(parseCron('0 9-17/4 * * *'), at('2026-03-10T15:00:00Z'))).toBe(false);
    expect(cronMatches(parseCron('0,30 0 1 1,7 *'), at('2026-07-01T00:30:00Z'))).toBe(true);
  });

  it('treats 0 and 7 as Sunday and ORs the two day fields when both are restricted', () => {
    expect(cronMatches(parseCron('0 0 * * 7'), at('2026-03-08T00:00:00Z'))).toBe(true);
    expect(cronMatches(parseCron('0 0 * * 1-5'), at('2026-03-08T00:00:00Z'))).toBe(false);
    // The 13th or any Friday: Friday the 6th matches, and so does Monday the 13th... of April.
    const either = parseCron('0 0 13 * 5');
    expect(cronMatches(either, at('2026-03-06T00:00:00Z'))).toBe(true);
    expect(cronMatches(either, at('2026-04-13T00:00:00Z'))).toBe(true);
    expect(cronMatches(either, at('2026-03-10T00:00:00Z'))).toBe(false);
  });

  it.each(['* * * *', '60 * * * *', '*/0 * * * *', 'MON * * * *', '5-1 * * * *', '1/2/3 * * * *'])(
    'refuses %s',
    (expression) => {
      expect(() => parseCron(expression)).toThrow(CronSyntaxError);
    },
  );
});

describe('job ranges', () => {
  const base = {
    now: T,
    safeDelayMs: 5 * 60_000,
    overlapHours: 2,
    rawRetentionMs: 90 * DAY_MS,
  };
  const closed = Date.UTC(2026, 2, 10, 12); // hours before 12:00 are closed at 12:07:30

  it('recomputes the overlap window when up to date', () => {
    expect(hourlyRange({ ...base, latestWritten: closed - HOUR_MS, earliestRaw: 0 })).toEqual({
      from: closed - 2 * HOUR_MS,
      to: closed,
    });
  });

  it('catches up from the hour after the last one written', () => {
    expect(hourlyRange({ ...base, latestWritten: closed - 30 * HOUR_MS, earliestRaw: 0 })).toEqual({
      from: closed - 29 * HOUR_MS,
      to: closed,
    });
  });

  it('starts a first run at the oldest raw record, never before raw retention', () => {
    expect(
      hourlyRange({ ...base, latestWritten: null, earliestRaw: closed - 5.5 * HOUR_MS }),
    ).toEqual({
      from: closed - 6 * HOUR_MS,
      to: closed,
    });
    const range = hourlyRange({ ...base, latestWritten: null, earliestRaw: T - 200 * DAY_MS })!;
    expect(range.from).toBeGreaterThanOrEqual(T - 90 * DAY_MS);
    expect(range.from % HOUR_MS).toBe(0);
  });

  it('waits for the safe delay before an hour is computed', () => {
    const justAfter = Date.UTC(2026, 2, 10, 12, 3);
    expect(
      hourlyRange({ ...base, now: justAfter, latestWritten: null, earliestRaw: null })!.to,
    ).toBe(closed - HOUR_MS);
  });

  it('daily: from the last day written, at least yesterday, through the day of the last closed hour', () => {
    const today = Date.UTC(2026, 2, 10);
    const input = {
      now: T,
      hourlyTo: closed,
      earliestHourly: today - 10 * DAY_MS,
      hourlyRetentionMs: 180 * DAY_MS,
    };
    expect(dailyRange({ ...input, latestWritten: today })).toEqual({
      from: today - DAY_MS,
      to: today + DAY_MS,
    });
    expect(dailyRange({ ...input, latestWritten: today - 4 * DAY_MS })).toEqual({
      from: today - 4 * DAY_MS,
      to: today + DAY_MS,
    });
    expect(dailyRange({ ...input, latestWritten: null })).toEqual({
      from: today - 10 * DAY_MS,
      to: today + DAY_MS,
    });
  });

  it('places a tick in its window: epoch-aligned with the offset', () => {
    expect(windowOf({ intervalMs: 10 * 60_000, offsetMs: 0 }, T)).toEqual({
      start: Date.UTC(2026, 2, 10, 12, 0),
      end: Date.UTC(2026, 2, 10, 12, 10),
    });
    expect(windowOf({ intervalMs: HOUR_MS, offsetMs: 5 * 60_000 }, T)).toEqual({
      start: Date.UTC(2026, 2, 10, 12, 5),
      end: Date.UTC(2026, 2, 10, 13, 5),
    });
  });
});

describe('account availability', () => {
  const account = (patch: Partial<Account>): Account => makeTestAccount({ name: 'a', ...patch });

  it('classifies by the scheduler rule, lasting causes first', () => {
    expect(availabilityState(account({}), T)).toBe('schedulable');
    expect(availabilityState(account({ rateLimitResetAt: T + 1 }), T)).toBe('rate_limited');
    expect(availabilityState(account({ rateLimitResetAt: T }), T)).toBe('schedulable');
    expect(availabilityState(account({ overloadUntil: T + 1 }), T)).toBe('overloaded');
    expect(availabilityState(account({ tempUnschedulableUntil: T + 1 }), T)).toBe(
      'temp_unschedulable',
    );
    expect(availabilityState(account({ status: 'error', rateLimitResetAt: T + 1 }), T)).toBe(
      'error',
    );
    expect(availabilityState(account({ status: 'disabled' }), T)).toBe('disabled');
    expect(availabilityState(account({ schedulable: false }), T)).toBe('disabled');
    expect(availabilityState(account({ expiresAt: T }), T)).toBe('disabled');
  });

  it('counts an account in each of its groups and an ungrouped one in group 0', () => {
    const summary = summarizeAvailability(
      [account({ id: 1, groupIds: [4, 5] }), account({ id: 2, overloadUntil: T + 5 })],
      T,
    );
    expect(
      summary.rows.map((r) => [r.platform, r.groupId, r.counts.total, r.counts.schedulable]),
    ).toEqual([
      ['anthropic', null, 2, 1],
      ['anthropic', 0, 1, 0],
      ['anthropic', 4, 1, 1],
      ['anthropic', 5, 1, 1],
    ]);
    expect(summary.unavailable).toEqual([
      {
        id: 2,
        name: 'a',
        platform: 'anthropic',
        state: 'overloaded',
        untilMs: T + 5,
        detail: null,
      },
    ]);
  });
});

describe('report rendering', () => {
  it('keeps table cells intact when messages hold pipes or newlines', () => {
    const markdown = renderErrorDigest(new Date(0), new Date(HOUR_MS), {
      total: 2,
      businessLimited: 1,
      byStatus: [{ statusCode: 429, count: 2 }],
      byOwner: [{ owner: 'client', count: 2 }],
      byPlatform: [{ platform: 'unknown', count: 2 }],
      byUpstreamStatus: [],
      topMessages: [{ message: 'quota | daily\nexceeded', count: 2 }],
    });
    expect(markdown).toContain('| quota \\| daily exceeded | 2 |');
    expect(markdown).toContain(
      '2 errors (count_tokens probes excluded), of which 1 business-limited.',
    );
  });
});
