import { z } from 'zod';
import {
  countSchema,
  entityIdSchema,
  epochMsSchema,
  nonEmptyStringSchema,
  platformSchema,
} from './primitives.js';

/**
 * `usage.v1.recorded` (JetStream `USAGE_EVENTS`, message id = requestId): one per request an
 * upstream served. Integers throughout because they land in Postgres integer columns.
 */
export const usageRecordedSchema = z.object({
  requestId: nonEmptyStringSchema,
  apiKeyId: entityIdSchema,
  userId: entityIdSchema.nullable(),
  /** null for an ungrouped API key. */
  groupId: entityIdSchema.nullable(),
  accountId: entityIdSchema,
  platform: platformSchema,
  requestedModel: nonEmptyStringSchema,
  upstreamModel: nonEmptyStringSchema,
  inputTokens: countSchema,
  outputTokens: countSchema,
  cacheCreationTokens: countSchema,
  cacheReadTokens: countSchema,
  stream: z.boolean(),
  durationMs: countSchema,
  firstTokenMs: countSchema.nullable(),
  isCountTokens: z.boolean(),
  occurredAt: epochMsSchema,
});

export type UsageRecorded = z.output<typeof usageRecordedSchema>;
