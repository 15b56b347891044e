import { sql } from 'kysely';
import {
  MigrationError,
  migrateToLatest,
  migrationNames,
  rollbackMigrations,
  runDbCli,
  upsertOpsMetrics,
} from '@switchyard/db';
import type { Db, OpsMetricsRow } from '@switchyard/db';
import { freePort, startLocalPostgres } from './local-postgres.js';
import type { LocalPostgres } from './local-postgres.js';

let pg: LocalPostgres;

beforeAll(async () => {
  pg = await startLocalPostgres();
});

afterAll(async () => {
  await pg?.stop();
});

const APPLICATION_TABLES = [
  'account_groups',
  'accounts',
  'api_keys',
  'groups',
  'ops_error_logs',
  'ops_metrics_daily',
  'ops_metrics_hourly',
  'usage_logs',
  'users',
];

/** Application tables (kysely's bookkeeping tables are left out by its introspection). */
async function tableNames(handle: Db): Promise<string[]> {
  const tables = await handle.db.introspection.getTables();
  return tables.map((table) => table.name).sort();
}

// --- Migrations ----------------------------------------------------------------------------

describe('migrateToLatest', () => {
  it('applies every migration to an empty database and nothing on a second run', async () => {
    const { handle } = await pg.freshDb();
    const first = await migrateToLatest(handle.db);
    expect(first.applied).toEqual(migrationNames());
    expect(first.applied.length).toBeGreaterThan(0);
    expect(await tableNames(handle)).toEqual(APPLICATION_TABLES);

    expect(await migrateToLatest(handle.db)).toEqual({ applied: [] });
  });

  it('applies each migration exactly once when three processes migrate at once', async () => {
    const { name } = await pg.freshDb();
    const processes = [pg.open(name), pg.open(name), pg.open(name)];
    const results = await Promise.all(processes.map((handle) => migrateToLatest(handle.db)));

    const applied = results.flatMap((result) => result.applied).sort();
    expect(applied).toEqual(migrationNames());
    // The lock serialises the runs: one applies everything, the others find nothing pending.
    expect(results.filter((result) => result.applied.length > 0)).toHaveLength(1);
    const recorded = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(
      processes[0]!.db,
    );
    expect(recorded.rows[0]!.n).toBe(migrationNames().length);
  });

  it('throws a MigrationError naming the failed migration and applies none of the batch', async () => {
    const { handle } = await pg.freshDb();
    await handle.sql.unsafe('create table users (id int)');

    const error = await migrateToLatest(handle.db).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(MigrationError);
    const migrationError = error as MigrationError;
    expect(migrationError.migrationName).toBe(migrationNames()[0]);
    expect(migrationError.code).toBe('DB_MIGRATION_FAILED');
    expect(migrationError.direction).toBe('up');
    expect(migrationError.cause).toBeDefined();
    expect(await tableNames(handle)).toEqual(['users']);
  });
});

describe('rollbackMigrations', () => {
  it('reverts every migration, then the schema can be built again', async () => {
    const handle = await pg.migratedDb();
    const { reverted } = await rollbackMigrations(handle.db);
    expect(reverted).toEqual([...migrationNames()].reverse());
    expect(await tableNames(handle)).toEqual([]);

    expect((await migrateToLatest(handle.db)).applied).toEqual(migrationNames());
  });

  it('reverts only the migrations after the target', async () => {
    const handle = await pg.migratedDb();
    const [first, ...later] = migrationNames();
    const { reverted } = await rollbackMigrations(handle.db, first);
    expect(reverted).toEqual([...later].reverse());
    expect(await tableNames(handle)).toEqual([
      'account_groups',
      'accounts',
      'api_keys',
      'groups',
      'users',
    ]);
  });
});

describe('runDbCli', () => {
  it('migrates the database and prints what it applied as one JSON line', async () => {
    const { name } = await pg.freshDb();
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (line: string) => out.push(line), err: (line: string) => err.push(line) };

    expect(await runDbCli(['migrate'], pg.url(name), io)).toBe(0);
    expect(await runDbCli(['migrate'], pg.url(name), io)).toBe(0);
    expect(out.map((line) => JSON.parse(line) as unknown)).toEqual([
      { event: 'db.migrated', applied: migrationNames() },
      { event: 'db.migrated', applied: [] },
    ]);
    expect(err).toEqual([]);
  });

  it('exits 2 without a command or a DATABASE_URL, and 1 when the database is unreachable', async () => {
    const err: string[] = [];
    const io = { out: () => undefined, err: (line: string) => err.push(line) };
    expect(await runDbCli([], pg.url('postgres'), io)).toBe(2);
    expect(await runDbCli(['migrate'], undefined, io)).toBe(2);
    const unreachable = `postgres://postgres:hunter2@127.0.0.1:${await freePort()}/x`;
    expect(await runDbCli(['migrate'], unreachable, io)).toBe(1);
    expect(JSON.parse(err[2]!)).toMatchObject({ event: 'db.migration_failed', migration: null });
    expect(err.join('\n')).not.toContain('hunter2');
  });
});

// --- Schema --------------------------------------------------------------------------------

function metricsRow(overrides: Partial<OpsMetricsRow> = {}): OpsMetricsRow {
  return {
    bucket_start: new Date('2025-01-01T10:00:00Z'),
    platform: null,
    group_id: null,
    success_count: 10,
    token_consumed: 1000,
    ...overrides,
  };
}

describe('ops metrics slice key', () => {
  let handle: Db;
  beforeAll(async () => {
    handle = await pg.migratedDb();
  });

  it('updates the overall row (platform and group NULL) instead of inserting it twice', async () => {
    await upsertOpsMetrics(handle.db, 'ops_metrics_hourly', [metricsRow()]);
    await upsertOpsMetrics(handle.db, 'ops_metrics_hourly', [
      metricsRow({
        success_count: 12,
        duration_hist: { bounds_ms: [100, 1000], counts: [3, 8, 1] },
      }),
    ]);

    const rows = await handle.db.selectFrom('ops_metrics_hourly').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      platform: null,
      group_id: null,
      success_count: 12,
      token_consumed: 1000,
      duration_hist: { bounds_ms: [100, 1000], counts: [3, 8, 1] },
    });
    expect(rows[0]!.computed_at).toBeInstanceOf(Date);
  });

  it('refuses a plain second insert of the same overall slice', async () => {
    const bucket = { bucket_start: new Date('2025-01-01T11:00:00Z') };
    await handle.db.insertInto('ops_metrics_daily').values(metricsRow(bucket)).execute();
    await expect(
      handle.db.insertInto('ops_metrics_daily').values(metricsRow(bucket)).execute(),
    ).rejects.toMatchObject({ code: '23505' });
  });

  it('keeps the all-groups row, the ungrouped (group 0) row and per-platform rows apart', async () => {
    const bucket_start = new Date('2025-01-01T12:00:00Z');
    const slices: Partial<OpsMetricsRow>[] = [
      { platform: null, group_id: null },
      { platform: null, group_id: 0 },
      { platform: 'anthropic', group_id: null },
      { platform: 'anthropic', group_id: 0 },
      { platform: 'anthropic', group_id: 7 },
    ];
    const rows = slices.map((slice, i) => metricsRow({ ...slice, bucket_start, success_count: i }));
    await upsertOpsMetrics(handle.db, 'ops_metrics_hourly', rows);
    await upsertOpsMetrics(handle.db, 'ops_metrics_hourly', rows);

    const stored = await handle.db
      .selectFrom('ops_metrics_hourly')
      .select(['platform', 'group_id', 'success_count'])
      .where('bucket_start', '=', bucket_start)
      .orderBy('success_count')
      .execute();
    expect(stored).toEqual(
      slices.map((slice, i) => ({
        platform: slice.platform,
        group_id: slice.group_id,
        success_count: i,
      })),
    );
  });
});

describe('usage_logs', () => {
  let handle: Db;
  beforeAll(async () => {
    handle = await pg.migratedDb();
  });

  const usage = {
    request_id: 'req-1',
    api_key_id: 1,
    account_id: 2,
    platform: 'anthropic',
    model: 'claude-sonnet-4',
    requested_model: 'claude-sonnet-4',
    input_tokens: 5_000_000_000, // past int4, so the column really is int8
    output_tokens: 20,
    duration_ms: 1500,
    created_at: new Date('2025-02-03T04:05:06.789Z'),
  };

  it('records a request once: a second row with the same request id is refused', async () => {
    await handle.db.insertInto('usage_logs').values(usage).execute();
    await expect(handle.db.insertInto('usage_logs').values(usage).execute()).rejects.toMatchObject({
      code: '23505',
    });
    const replay = await handle.db
      .insertInto('usage_logs')
      .values(usage)
      .onConflict((oc) => oc.column('request_id').doNothing())
      .executeTakeFirst();
    expect(replay.numInsertedOrUpdatedRows).toBe(0n);
  });

  it('returns bigint columns as numbers and timestamps as Dates', async () => {
    const row = await handle.db
      .selectFrom('usage_logs')
      .selectAll()
      .where('request_id', '=', 'req-1')
      .executeTakeFirstOrThrow();
    expect(row.id).toBe(1);
    expect(row.input_tokens).toBe(5_000_000_000);
    expect(row.cache_read_tokens).toBe(0);
    expect(row.stream).toBe(false);
    expect(row.created_at).toEqual(new Date('2025-02-03T04:05:06.789Z'));
  });
});

describe('ops_error_logs', () => {
  let handle: Db;
  beforeAll(async () => {
    handle = await pg.migratedDb();
  });

  it('records each attempt id once and only known error owners', async () => {
    const attempt = {
      request_id: 'req-9',
      attempt_id: 'req-9#1',
      phase: 'upstream',
      status_code: 502,
      error_owner: 'provider' as const,
      message: 'upstream reset',
    };
    await handle.db.insertInto('ops_error_logs').values(attempt).execute();
    await expect(
      handle.db.insertInto('ops_error_logs').values(attempt).execute(),
    ).rejects.toMatchObject({ code: '23505' });
    await expect(
      handle.db
        .insertInto('ops_error_logs')
        .values({ ...attempt, attempt_id: 'req-9#2', error_owner: 'nobody' as 'client' })
        .execute(),
    ).rejects.toMatchObject({ code: '23514' });
  });
});
