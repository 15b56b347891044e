/**
 * A 5-field cron expression (minute hour day-of-month month day-of-week), evaluated in UTC:
 * numbers, `*`, ranges `a-b`, lists `a,b` and steps `*\/n`, `a-b/n`, `a/n`; day-of-week 0 or 7
 * is Sunday. As in Vixie cron, when both day fields are restricted a day matching either one
 * matches. Names (MON, JAN) and the `L`/`W`/`#` extensions are not supported — the config
 * refuses them at start-up.
 */
export type CronSchedule = {
  readonly source: string;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: ReadonlySet<number>;
  readonly daysOfMonthRestricted: boolean;
  readonly daysOfWeekRestricted: boolean;
};

export class CronSyntaxError extends Error {
  readonly code = 'cron_syntax';
  readonly retryable = false;

  constructor(expression: string, detail: string) {
    super(`invalid cron expression "${expression}": ${detail}`);
    this.name = 'CronSyntaxError';
  }
}

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

export function parseCron(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== FIELDS.length) {
    throw new CronSyntaxError(expression, `expected 5 fields, got ${parts.length}`);
  }
  const sets = parts.map((part, i) => parseField(expression, part, FIELDS[i]!));
  const daysOfWeek = new Set([...sets[4]!].map((d) => d % 7));
  return {
    source: expression,
    minutes: sets[0]!,
    hours: sets[1]!,
    daysOfMonth: sets[2]!,
    months: sets[3]!,
    daysOfWeek,
    daysOfMonthRestricted: parts[2] !== '*',
    daysOfWeekRestricted: parts[4] !== '*',
  };
}

/** True when the schedule fires in the UTC minute that contains `epochMs`. */
export function cronMatches(schedule: CronSchedule, epochMs: number): boolean {
  const at = new Date(epochMs);
  if (!schedule.minutes.has(at.getUTCMinutes())) return false;
  if (!schedule.hours.has(at.getUTCHours())) return false;
  if (!schedule.months.has(at.getUTCMonth() + 1)) return false;
  const domMatch = schedule.daysOfMonth.has(at.getUTCDate());
  const dowMatch = schedule.daysOfWeek.has(at.getUTCDay());
  if (schedule.daysOfMonthRestricted && schedule.daysOfWeekRestricted) return domMatch || dowMatch;
  return domMatch && dowMatch;
}

function parseField(expression: string, field: string, spec: (typeof FIELDS)[number]): Set<number> {
  const values = new Set<number>();
  for (const item of field.split(',')) {
    const [rangePart, stepPart, extra] = item.split('/');
    if (rangePart === undefined || extra !== undefined) {
      throw new CronSyntaxError(expression, `bad ${spec.name} item "${item}"`);
    }
    const step = stepPart === undefined ? 1 : toNumber(expression, stepPart, spec.name);
    if (step < 1) throw new CronSyntaxError(expression, `step 0 in ${spec.name}`);
    let from: number;
    let to: number;
    if (rangePart === '*') {
      from = spec.min;
      to = spec.max;
    } else if (rangePart.includes('-')) {
      const [a, b] = rangePart.split('-');
      from = toNumber(expression, a ?? '', spec.name);
      to = toNumber(expression, b ?? '', spec.name);
    } else {
      from = toNumber(expression, rangePart, spec.name);
      // `a/n` means every n-th value from a to the end of the field's range.
      to = stepPart === undefined ? from : spec.max;
    }
    if (from < spec.min || to > spec.max || from > to) {
      throw new CronSyntaxError(expression, `${spec.name} out of range in "${item}"`);
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

function toNumber(expression: string, text: string, what: string): number {
  if (!/^\d+$/.test(text)) throw new CronSyntaxError(expression, `bad ${what} "${text}"`);
  return Number(text);
}
