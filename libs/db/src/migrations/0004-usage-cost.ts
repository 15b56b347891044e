import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * What each usage record cost in USD, priced at ingest from the operator's price table
 * (MODEL_PRICES); the same statement adds it to the API key's `quota_used_usd`. Records stored
 * before this migration keep 0.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('usage_logs')
    .addColumn('cost_usd', 'numeric', (col) => col.notNull().defaultTo(sql`0`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('usage_logs').dropColumn('cost_usd').execute();
}
