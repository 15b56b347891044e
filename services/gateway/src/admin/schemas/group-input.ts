import { z } from 'zod';
import { PLATFORMS } from '@switchyard/domain';
import { entityStatusSchema, nameSchema, nonEmptyPatch } from './common.js';

export const createGroupSchema = z
  .object({
    name: nameSchema,
    platform: z.enum(PLATFORMS),
    description: z.string().max(2000).optional(),
    status: entityStatusSchema.optional(),
  })
  .strict();

export const updateGroupSchema = nonEmptyPatch(createGroupSchema.partial().strict());
