import { z } from 'zod';

/** A time as ISO 8601 with offset or epoch ms, read as a Date. */
export const timeSchema = z
  .union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()])
  .transform((value) => new Date(value));

export const idSchema = z.number().int().positive();

export const nameSchema = z.string().trim().min(1).max(200);

/** Status of groups and API keys (users too). */
export const entityStatusSchema = z.enum(['active', 'disabled']);

/** A JSON object body that names at least one field (an empty PATCH is a mistake). */
export function nonEmptyPatch<S extends z.ZodObject>(schema: S) {
  return schema.refine((patch) => Object.values(patch).some((v) => v !== undefined), {
    message: 'name at least one field to change',
  });
}
