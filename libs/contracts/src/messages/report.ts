import { z } from 'zod';
import { entityIdSchema, httpStatusSchema, nonEmptyStringSchema } from './primitives.js';

/**
 * `sched.v1.report` (fan-out): the outcome of one attempt on one account, feeding every
 * replica's EWMA statistics. Timings may be fractional (they come from a monotonic clock and
 * are only averaged, never stored).
 */
export const reportSchema = z.object({
  accountId: entityIdSchema,
  requestId: nonEmptyStringSchema.optional(),
  success: z.boolean(),
  firstTokenMs: z.number().nonnegative().optional(),
  durationMs: z.number().nonnegative().optional(),
  statusCode: httpStatusSchema.optional(),
});

export type Report = z.output<typeof reportSchema>;
