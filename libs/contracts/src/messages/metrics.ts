import { z } from 'zod';
import { countSchema, nonEmptyStringSchema } from './primitives.js';

/** `sched.v1.metrics` request: no parameters (send `{}`). */
export const metricsRequestSchema = z.object({});

const ratioSchema = z.number().min(0).max(1);

/** `sched.v1.metrics` reply data: one replica's counters since start and derived gauges. */
export const metricsSnapshotSchema = z.object({
  replicaId: nonEmptyStringSchema,
  selectTotal: countSchema,
  previousResponseHits: countSchema,
  sessionHits: countSchema,
  loadBalanceSelects: countSchema,
  /** Selections that moved a session to a different account than its binding. */
  switches: countSchema,
  /** Session bindings skipped because the bound account looked unhealthy. */
  escapes: countSchema,
  decisionLatencyAvgUs: z.number().nonnegative(),
  decisionLatencyP99Us: z.number().nonnegative(),
  /** (previousResponseHits + sessionHits) / selectTotal. */
  stickyHitRatio: ratioSchema,
  /** switches / selectTotal. */
  switchRate: ratioSchema,
  loadSkewAvg: z.number().nonnegative(),
  accountsWithStats: countSchema,
});

export type MetricsRequest = z.output<typeof metricsRequestSchema>;
export type MetricsSnapshot = z.output<typeof metricsSnapshotSchema>;
