import { z } from 'zod';
import { entityStatusSchema, idSchema, nameSchema, nonEmptyPatch, timeSchema } from './common.js';

export const createApiKeySchema = z
  .object({
    name: nameSchema,
    groupId: idSchema.nullable().optional(),
    userId: idSchema.nullable().optional(),
    status: entityStatusSchema.optional(),
    expiresAt: timeSchema.nullable().optional(),
    quotaLimitUsd: z.number().nonnegative().nullable().optional(),
    quotaTokensLimit: z.number().int().nonnegative().nullable().optional(),
    concurrencyLimit: z.number().int().min(1).nullable().optional(),
    rpmLimit: z.number().int().min(1).nullable().optional(),
  })
  .strict();

export type CreateApiKeyInput = z.output<typeof createApiKeySchema>;

export const updateApiKeySchema = nonEmptyPatch(createApiKeySchema.partial().strict());

export type UpdateApiKeyInput = z.output<typeof updateApiKeySchema>;
