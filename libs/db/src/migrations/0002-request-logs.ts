import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// No foreign keys on the log tables: a log row records what happened and must survive the
// deletion of the account, key or group it names; and ingest must never fail on a reference.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('usage_logs')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    // Unique: the usage event is delivered at least once, ingest inserts on conflict do nothing.
    .addColumn('request_id', 'text', (col) => col.notNull().unique())
    .addColumn('api_key_id', 'bigint', (col) => col.notNull())
    .addColumn('user_id', 'bigint')
    .addColumn('group_id', 'bigint')
    .addColumn('account_id', 'bigint', (col) => col.notNull())
    .addColumn('platform', 'text', (col) => col.notNull())
    .addColumn('model', 'text', (col) => col.notNull())
    .addColumn('requested_model', 'text', (col) => col.notNull())
    .addColumn('upstream_model', 'text')
    .addColumn('input_tokens', 'bigint', (col) => col.notNull().defaultTo(0))
    .addColumn('output_tokens', 'bigint', (col) => col.notNull().defaultTo(0))
    .addColumn('cache_creation_tokens', 'bigint', (col) => col.notNull().defaultTo(0))
    .addColumn('cache_read_tokens', 'bigint', (col) => col.notNull().defaultTo(0))
    .addColumn('stream', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('is_count_tokens', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('duration_ms', 'integer', (col) => col.notNull())
    .addColumn('first_token_ms', 'integer')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('usage_logs_created_at_idx')
    .on('usage_logs')
    .column('created_at')
    .execute();
  // The hourly aggregation scans one bucket per (platform, group) slice.
  await db.schema
    .createIndex('usage_logs_platform_group_created_at_idx')
    .on('usage_logs')
    .columns(['platform', 'group_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('usage_logs_account_created_at_idx')
    .on('usage_logs')
    .columns(['account_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('ops_error_logs')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('request_id', 'text', (col) => col.notNull())
    // One request may fail several attempts (failover); each attempt is recorded once.
    .addColumn('attempt_id', 'text', (col) => col.notNull().unique())
    .addColumn('phase', 'text', (col) => col.notNull())
    .addColumn('status_code', 'integer', (col) => col.notNull())
    .addColumn('upstream_status_code', 'integer')
    .addColumn('error_owner', 'text', (col) =>
      col.notNull().check(sql`error_owner in ('client', 'provider', 'platform')`),
    )
    .addColumn('is_business_limited', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('is_count_tokens', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('platform', 'text')
    .addColumn('group_id', 'bigint')
    .addColumn('account_id', 'bigint')
    .addColumn('api_key_id', 'bigint')
    .addColumn('retry_count', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('message', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('ops_error_logs_created_at_idx')
    .on('ops_error_logs')
    .column('created_at')
    .execute();
  await db.schema
    .createIndex('ops_error_logs_request_id_idx')
    .on('ops_error_logs')
    .column('request_id')
    .execute();
  await db.schema
    .createIndex('ops_error_logs_platform_group_created_at_idx')
    .on('ops_error_logs')
    .columns(['platform', 'group_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ops_error_logs').execute();
  await db.schema.dropTable('usage_logs').execute();
}
