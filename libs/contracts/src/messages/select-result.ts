import { z } from 'zod';
import {
  accountTypeSchema,
  countSchema,
  entityIdSchema,
  epochMsSchema,
  nonEmptyStringSchema,
  platformSchema,
} from './primitives.js';

/** Which selection layer produced the account (see ARCHITECTURE.md, "Selecting an account"). */
export const SelectLayer = {
  PreviousResponse: 'previous_response',
  Session: 'session',
  LoadBalance: 'load_balance',
} as const;

export type SelectLayer = (typeof SelectLayer)[keyof typeof SelectLayer];

/** The chosen account, without credentials: the gateway loads those from Postgres itself. */
export const selectedAccountSchema = z.object({
  id: entityIdSchema,
  platform: platformSchema,
  type: accountTypeSchema,
  concurrency: z.number().int().positive(),
});

/** A concurrency slot the scheduler acquired for the caller; release it with `token`. */
export const acquiredSlotSchema = z.object({
  acquired: z.literal(true),
  token: nonEmptyStringSchema,
  /** The slot frees itself at this instant if the holder crashes. */
  expiresAt: epochMsSchema,
});

/** No slot was free: wait for one on `accountId`, within these bounds. */
export const waitPlanSchema = z.object({
  accountId: entityIdSchema,
  maxConcurrency: z.number().int().positive(),
  timeoutMs: countSchema,
  maxWaiting: countSchema,
});

/** The weighted factors behind a load-balance pick (weights already applied). */
export const scoreBreakdownSchema = z.object({
  total: z.number(),
  priority: z.number(),
  load: z.number(),
  queue: z.number(),
  errorRate: z.number(),
  ttft: z.number(),
});

export const selectDecisionSchema = z.object({
  layer: z.enum(SelectLayer),
  candidateCount: countSchema,
  topK: countSchema,
  loadSkew: z.number().nonnegative(),
  /** Why the session binding was skipped for this request (unhealthy account), else null. */
  escapeReason: z.string().nullable(),
  score: scoreBreakdownSchema.optional(),
});

/**
 * The scheduler's leave to reuse the chosen account for the same session's next requests for
 * `ttlMs` without asking again: the caller takes each slot itself (the account's slot set in
 * Redis, within `account.concurrency`) and drops the lease on any event about the account, on a
 * failed attempt on it, and when the slot set is full. Granted only on a first attempt of a
 * session-anchored request (no previous response id) that ends on the session's bound,
 * healthy account, so the next select would have answered the same account anyway.
 */
export const sessionLeaseSchema = z.object({
  ttlMs: z.number().int().positive(),
});

/**
 * `sched.v1.select` reply data: exactly one of `slot` (go ahead) or `waitPlan` (queue); with a
 * slot, possibly a session `lease`.
 *
 * Validated as one object plus an "exactly one" check rather than as a union, so that a bad
 * nested field is reported at its path instead of as an opaque "no union member matched";
 * the exported type is still the exclusive union.
 */
const selectResultObjectSchema = z
  .object({
    account: selectedAccountSchema,
    decision: selectDecisionSchema,
    slot: acquiredSlotSchema.optional(),
    waitPlan: waitPlanSchema.optional(),
    lease: sessionLeaseSchema.optional(),
  })
  .check((ctx) => {
    const { slot, waitPlan } = ctx.value;
    if ((slot === undefined) === (waitPlan === undefined)) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        path: [],
        message: 'expected exactly one of slot or waitPlan',
      });
    }
    if (ctx.value.lease !== undefined && slot === undefined) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        path: ['lease'],
        message: 'a lease comes only with a slot',
      });
    }
  });

type SelectResultBase = {
  account: z.output<typeof selectedAccountSchema>;
  decision: z.output<typeof selectDecisionSchema>;
};

export type SelectResult =
  | (SelectResultBase & {
      slot: z.output<typeof acquiredSlotSchema>;
      waitPlan?: undefined;
      lease?: z.output<typeof sessionLeaseSchema>;
    })
  | (SelectResultBase & {
      waitPlan: z.output<typeof waitPlanSchema>;
      slot?: undefined;
      lease?: undefined;
    });

export const selectResultSchema: z.ZodType<SelectResult, SelectResult> =
  selectResultObjectSchema as z.ZodType<SelectResult, SelectResult>;

export type SelectedAccount = z.output<typeof selectedAccountSchema>;
export type AcquiredSlot = z.output<typeof acquiredSlotSchema>;
export type WaitPlan = z.output<typeof waitPlanSchema>;
export type ScoreBreakdown = z.output<typeof scoreBreakdownSchema>;
export type SelectDecision = z.output<typeof selectDecisionSchema>;
export type SessionLease = z.output<typeof sessionLeaseSchema>;
