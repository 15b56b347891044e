import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// Migrations are frozen history: they use the schema builder and raw SQL only, never the
// `Database` type, so that a later change to the type cannot change what an old migration does.

const PLATFORM_CHECK = sql`platform in ('anthropic', 'openai', 'gemini', 'antigravity')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('email', 'text', (col) => col.notNull().unique())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('active')
        .check(sql`status in ('active', 'disabled')`),
    )
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('groups')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull().unique())
    .addColumn('platform', 'text', (col) => col.notNull().check(PLATFORM_CHECK))
    .addColumn('description', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('active')
        .check(sql`status in ('active', 'disabled')`),
    )
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    // Deleting a user or a group detaches its keys (set null) instead of deleting them, so the
    // api_key_id in usage history keeps naming a key an admin can still find.
    .addColumn('user_id', 'bigint', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('key_hash', 'text', (col) => col.notNull().unique())
    .addColumn('key_prefix', 'text', (col) => col.notNull())
    .addColumn('group_id', 'bigint', (col) => col.references('groups.id').onDelete('set null'))
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('active')
        .check(sql`status in ('active', 'disabled')`),
    )
    .addColumn('expires_at', 'timestamptz')
    .addColumn('quota_limit_usd', 'numeric')
    .addColumn('quota_used_usd', 'numeric', (col) => col.notNull().defaultTo(0))
    .addColumn('quota_tokens_limit', 'bigint')
    .addColumn('quota_tokens_used', 'bigint', (col) => col.notNull().defaultTo(0))
    .addColumn('concurrency_limit', 'integer')
    .addColumn('rpm_limit', 'integer')
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('api_keys_user_id_idx').on('api_keys').column('user_id').execute();

  await db.schema
    .createTable('accounts')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('platform', 'text', (col) => col.notNull().check(PLATFORM_CHECK))
    .addColumn('type', 'text', (col) => col.notNull().check(sql`type in ('apikey', 'oauth')`))
    .addColumn('credentials_encrypted', 'text', (col) => col.notNull())
    .addColumn('base_url', 'text')
    .addColumn('concurrency', 'integer', (col) =>
      col
        .notNull()
        .defaultTo(3)
        .check(sql`concurrency >= 0`),
    )
    .addColumn('priority', 'integer', (col) => col.notNull().defaultTo(50))
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('active')
        .check(sql`status in ('active', 'disabled', 'error')`),
    )
    .addColumn('error_message', 'text')
    .addColumn('schedulable', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('rate_limit_reset_at', 'timestamptz')
    .addColumn('overload_until', 'timestamptz')
    .addColumn('temp_unschedulable_until', 'timestamptz')
    .addColumn('temp_unschedulable_reason', 'text')
    .addColumn('state_observed_at', 'timestamptz')
    .addColumn('model_mapping', 'jsonb')
    .addColumn('mixed_scheduling', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('accounts_platform_idx').on('accounts').column('platform').execute();

  await db.schema
    .createTable('account_groups')
    .addColumn('account_id', 'bigint', (col) =>
      col.notNull().references('accounts.id').onDelete('cascade'),
    )
    .addColumn('group_id', 'bigint', (col) =>
      col.notNull().references('groups.id').onDelete('cascade'),
    )
    .addColumn('priority', 'integer', (col) => col.notNull().defaultTo(50))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('account_groups_pkey', ['account_id', 'group_id'])
    .execute();
  // The primary key already serves lookups by account_id; group → accounts needs its own.
  await db.schema
    .createIndex('account_groups_group_id_idx')
    .on('account_groups')
    .column('group_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('account_groups').execute();
  await db.schema.dropTable('accounts').execute();
  await db.schema.dropTable('api_keys').execute();
  await db.schema.dropTable('groups').execute();
  await db.schema.dropTable('users').execute();
}
