import { z } from 'zod';
import {
  countSchema,
  entityIdSchema,
  epochMsSchema,
  httpStatusSchema,
  nonEmptyStringSchema,
  platformSchema,
} from './primitives.js';

/** Where in the request's life the error happened. */
export const OpsErrorPhase = {
  Auth: 'auth',
  Routing: 'routing',
  Upstream: 'upstream',
  Response: 'response',
} as const;

export type OpsErrorPhase = (typeof OpsErrorPhase)[keyof typeof OpsErrorPhase];

/** Whose fault the error is; decides which dashboard and alert it counts towards. */
export const ErrorOwner = {
  Client: 'client',
  Provider: 'provider',
  Platform: 'platform',
} as const;

export type ErrorOwner = (typeof ErrorOwner)[keyof typeof ErrorOwner];

/**
 * `ops.v1.error` (JetStream `USAGE_EVENTS`, message id = attemptId): one per failed attempt.
 * Nullable fields are unknown when the error happened before they were resolved (an auth
 * failure has no API key, a routing failure no account).
 */
export const opsErrorSchema = z.object({
  requestId: nonEmptyStringSchema,
  /** Unique per attempt, so failover retries of one request are separate records. */
  attemptId: nonEmptyStringSchema,
  phase: z.enum(OpsErrorPhase),
  /** Status returned to the client. */
  statusCode: httpStatusSchema,
  upstreamStatusCode: httpStatusSchema.nullable(),
  errorOwner: z.enum(ErrorOwner),
  /** Expected refusals (quota, balance, plan limits) that should not page anyone. */
  isBusinessLimited: z.boolean(),
  isCountTokens: z.boolean(),
  platform: platformSchema.nullable(),
  groupId: entityIdSchema.nullable(),
  accountId: entityIdSchema.nullable(),
  apiKeyId: entityIdSchema.nullable(),
  retryCount: countSchema,
  message: z.string(),
  occurredAt: epochMsSchema,
});

export type OpsError = z.output<typeof opsErrorSchema>;
