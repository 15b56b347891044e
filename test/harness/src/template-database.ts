import { createDatabaseOn, databaseUrl, withAdminConnection } from './database-admin.js';

/** The migrated database that every `migrate: true` test database is copied from. */
export const TEMPLATE_DATABASE = 'switchyard_template';

// Guards the template across test processes sharing one cluster: migrating it takes the lock
// exclusively, copying it shares it, because CREATE DATABASE … TEMPLATE fails while anyone is
// connected to the template. Any fixed 64-bit key works; this one spells "swyd".
const TEMPLATE_LOCK_KEY = 0x73777964;

// Per process and cluster: the template is brought up to date once, then only copied.
const migrated = new Map<string, Promise<void>>();

async function migrateTemplate(adminUrl: string): Promise<void> {
  // Imported on first use: a harness that never migrates does not load kysely.
  const { createDb, migrateToLatest } = await import('@switchyard/db');
  await withAdminConnection(adminUrl, async (sql) => {
    await sql`select pg_advisory_lock(${TEMPLATE_LOCK_KEY})`;
    try {
      const existing = await sql`select 1 from pg_database where datname = ${TEMPLATE_DATABASE}`;
      if (existing.length === 0) await sql`create database ${sql(TEMPLATE_DATABASE)}`;
      // Even an existing template is migrated: on a long-lived cluster (SWITCHYARD_TEST_PG_URL
      // pointing at the dev stack) it may predate the newest migration. Migrations run in one
      // transaction, so a failed run leaves the template as it was.
      const db = createDb({ url: databaseUrl(adminUrl, TEMPLATE_DATABASE), max: 1 });
      try {
        await migrateToLatest(db.db);
      } finally {
        await db.destroy();
      }
    } finally {
      await sql`select pg_advisory_unlock(${TEMPLATE_LOCK_KEY})`;
    }
  });
}

/** Creates database `name` with every migration applied, copied from the template; resolves to its URL. */
export async function createMigratedDatabase(adminUrl: string, name: string): Promise<string> {
  let ready = migrated.get(adminUrl);
  if (ready === undefined) {
    ready = migrateTemplate(adminUrl);
    migrated.set(adminUrl, ready);
    // A failed migration is reported to this caller; the next one tries again.
    ready.catch(() => migrated.delete(adminUrl));
  }
  await ready;
  return withAdminConnection(adminUrl, async (sql) => {
    await sql`select pg_advisory_lock_shared(${TEMPLATE_LOCK_KEY})`;
    try {
      return await createDatabaseOn(sql, adminUrl, name, TEMPLATE_DATABASE);
    } finally {
      await sql`select pg_advisory_unlock_shared(${TEMPLATE_LOCK_KEY})`;
    }
  });
}
