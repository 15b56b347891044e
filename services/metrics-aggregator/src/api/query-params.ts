import { PLATFORMS } from '@switchyard/domain';
import { z } from 'zod';
import { UNKNOWN_PLATFORM } from '../aggregation/slice-key.js';

/** A bad query parameter: answered 400 with the zod issues in one line. */
export class BadQueryError extends Error {
  readonly code = 'bad_request';
  readonly retryable = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BadQueryError';
  }
}

const platformParam = z.enum([...PLATFORMS, UNKNOWN_PLATFORM]);
const groupParam = z.coerce.number().int().nonnegative();
const timeParam = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

export const Granularity = { Hour: 'hour', Day: 'day' } as const;
export type Granularity = (typeof Granularity)[keyof typeof Granularity];

export const overviewQuery = z.object({
  /** Seconds; default 5 minutes, at most a day. */
  window: z.coerce.number().int().min(10).max(86_400).default(300),
  platform: platformParam.optional(),
  group: groupParam.optional(),
});

export const trendsQuery = z
  .object({
    granularity: z.enum(Granularity).default(Granularity.Hour),
    from: timeParam.optional(),
    to: timeParam.optional(),
    platform: platformParam.optional(),
    group: groupParam.optional(),
  })
  .refine((q) => q.group === undefined || q.platform !== undefined, {
    message: 'group needs platform: per-group rows exist per platform',
    path: ['group'],
  });

export const rangeQuery = z.object({
  from: timeParam.optional(),
  to: timeParam.optional(),
  platform: platformParam.optional(),
  group: groupParam.optional(),
});

/** Parses `req.query` with `schema`, throwing BadQueryError naming the bad parameters. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  const detail = result.error.issues
    .map((issue) => `${issue.path.join('.') || '(query)'}: ${issue.message}`)
    .join('; ');
  throw new BadQueryError(detail, { cause: result.error });
}
