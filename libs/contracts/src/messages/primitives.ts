import {
  AccountStatus,
  AccountType,
  Platform,
  isBucketKey,
  type BucketKey,
} from '@switchyard/domain';
import { z } from 'zod';

/** Shared field schemas so every message spells the same field the same way. */

export const platformSchema = z.enum(Platform);
export const accountTypeSchema = z.enum(AccountType);
export const accountStatusSchema = z.enum(AccountStatus);

/** Milliseconds since the Unix epoch. */
export const epochMsSchema = z.number().int().nonnegative();

/** Postgres serial ids start at 1. */
export const entityIdSchema = z.number().int().positive();

/** A group id in a request: 0 means "ungrouped" (see UNGROUPED_GROUP_ID). */
export const requestGroupIdSchema = z.number().int().nonnegative();

export const nonEmptyStringSchema = z.string().min(1);

/** An HTTP status code. */
export const httpStatusSchema = z.number().int().min(100).max(599);

/** A duration or count that cannot be negative. */
export const countSchema = z.number().int().nonnegative();

export const bucketKeySchema = z.custom<BucketKey>(isBucketKey, {
  message: 'expected a bucket key g<groupId>:<platform>:<mode>',
});
