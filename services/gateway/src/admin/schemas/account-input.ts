import { z } from 'zod';
import { ACCOUNT_STATUSES, ACCOUNT_TYPES, PLATFORMS } from '@switchyard/domain';
import { idSchema, nameSchema, nonEmptyPatch, timeSchema } from './common.js';

const accountFields = {
  name: nameSchema,
  platform: z.enum(PLATFORMS),
  type: z.enum(ACCOUNT_TYPES),
  /** Checked against the account type separately (see credentialsSchemaFor). */
  credentials: z.record(z.string(), z.unknown()),
  baseUrl: z.url({ protocol: /^https?$/ }).nullable(),
  concurrency: z.number().int().min(1).max(100_000),
  /** Lower is preferred. */
  priority: z.number().int().min(0).max(1_000_000),
  status: z.enum(ACCOUNT_STATUSES),
  schedulable: z.boolean(),
  modelMapping: z.record(z.string().min(1), z.string()).nullable(),
  mixedScheduling: z.boolean(),
  expiresAt: timeSchema.nullable(),
  groupIds: z.array(idSchema).max(1000),
};

export const createAccountSchema = z
  .object({
    name: accountFields.name,
    platform: accountFields.platform,
    type: accountFields.type,
    credentials: accountFields.credentials,
    baseUrl: accountFields.baseUrl.optional(),
    concurrency: accountFields.concurrency.optional(),
    priority: accountFields.priority.optional(),
    status: accountFields.status.optional(),
    schedulable: accountFields.schedulable.optional(),
    modelMapping: accountFields.modelMapping.optional(),
    mixedScheduling: accountFields.mixedScheduling.optional(),
    expiresAt: accountFields.expiresAt.optional(),
    groupIds: accountFields.groupIds.optional(),
  })
  .strict();

export type CreateAccountInput = z.output<typeof createAccountSchema>;

export const updateAccountSchema = nonEmptyPatch(createAccountSchema.partial().strict());

export type UpdateAccountInput = z.output<typeof updateAccountSchema>;

export const setGroupsSchema = z.object({ groupIds: accountFields.groupIds }).strict();

export const setSchedulableSchema = z.object({ schedulable: z.boolean() }).strict();
