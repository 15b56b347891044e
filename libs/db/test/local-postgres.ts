import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, migrateToLatest } from '@switchyard/db';
import type { Db } from '@switchyard/db';

// Stand-in until the shared harness (test/harness) exports startPostgres: a throwaway cluster
// on a random loopback port, one database per scenario, for this package's integration tests.

export type LocalPostgres = {
  url(database: string): string;
  /** A new empty database and a Db on it; closed by stop(). */
  freshDb(options?: { max?: number }): Promise<{ name: string; handle: Db }>;
  /** Another Db on an existing database; closed by stop(). */
  open(database: string, options?: { max?: number }): Db;
  /** A new database with every migration applied. */
  migratedDb(): Promise<Db>;
  stop(): Promise<void>;
};

function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const dir = versions.map((v) => join(root, v, 'bin')).find((d) => existsSync(join(d, 'initdb')));
  if (dir === undefined) throw new Error(`no postgres binaries under ${root}`);
  return dir;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startLocalPostgres(): Promise<LocalPostgres> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-db-test-'));
  // Postgres refuses to run as root; as root, run its tools as the postgres OS user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), 0);
  const run = (tool: string, args: string[]): void => {
    const [cmd, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]]
      : [join(bin, tool), args];
    execFileSync(cmd, argv, { stdio: 'ignore' });
  };
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = await freePort();
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', serverOptions, '-w', 'start']);

  const url = (database: string): string => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const admin = createDb({ url: url('postgres'), max: 1 });
  const handles: Db[] = [];
  const open = (database: string, options: { max?: number } = {}): Db => {
    const handle = createDb({ url: url(database), ...options });
    handles.push(handle);
    return handle;
  };
  const freshDb = async (options: { max?: number } = {}) => {
    const name = `t_${randomBytes(6).toString('hex')}`;
    await admin.sql.unsafe(`create database ${name}`);
    return { name, handle: open(name, options) };
  };
  return {
    url,
    open,
    freshDb,
    migratedDb: async () => {
      const { handle } = await freshDb();
      await migrateToLatest(handle.db);
      return handle;
    },
    stop: async () => {
      await Promise.all([...handles, admin].map((handle) => handle.destroy()));
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
