import { z } from 'zod';
import { bucketKeySchema, countSchema } from './primitives.js';

/**
 * `snap.v1.updated.<bucket>`: the bucket's snapshot in Redis was rewritten. `version` grows
 * with every rewrite of a bucket, so a replica ignores a notice older than what it loaded.
 */
export const snapshotUpdatedSchema = z.object({
  bucket: bucketKeySchema,
  version: countSchema,
  accountCount: countSchema,
});

export type SnapshotUpdated = z.output<typeof snapshotUpdatedSchema>;
