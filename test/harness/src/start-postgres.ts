import { execFile } from 'node:child_process';
import { chownSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  createDatabase,
  dropDatabase,
  randomDatabaseName,
  type CreateDatabaseOptions,
} from './database-admin.js';
import { createServerDir, removeServerDir } from './child-registry.js';
import { findPostgresBinDir } from './find-binary.js';
import { HarnessError, HarnessErrorCode } from './harness-error.js';
import { ManagedServer } from './managed-server.js';
import { postgresRunAs } from './postgres-user.js';
import { postmasterReady } from './probes.js';
import type { RunAs } from './server-process.js';

const execFileAsync = promisify(execFile);

export type PostgresServerOptions = {
  /** A fixed port; by default a free one is picked. */
  readonly port?: number;
  /** Default 200: every test database's pool counts against it. */
  readonly maxConnections?: number;
  /** Default 30 000 ms (initdb excluded). */
  readonly startTimeoutMs?: number;
};

/** A throwaway postgres cluster started for tests, on 127.0.0.1 only, trust auth. */
export type PostgresServer = {
  /** Admin URL: `postgres://postgres@127.0.0.1:<port>/postgres`. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Creates a database (a random `t_…` name unless given) and resolves to its URL. */
  createDatabase(name?: string, options?: CreateDatabaseOptions): Promise<string>;
  /** Drops a database, disconnecting its clients. */
  dropDatabase(name: string): Promise<void>;
  /** Stops the cluster and removes its data. Safe to call more than once. */
  stop(): Promise<void>;
  /** Sends a signal (SIGKILL unless told) to the postmaster and returns at once. */
  kill(signal?: NodeJS.Signals): void;
};

const DEFAULT_START_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_CONNECTIONS = 200;

async function initdb(binDir: string, dataDir: string, runAs: RunAs | undefined): Promise<void> {
  // --no-sync: a test cluster need not survive a power cut, and fsync is most of initdb's time.
  const args = [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ];
  try {
    await execFileAsync(join(binDir, 'initdb'), args, {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LC_ALL: 'C' },
      ...(runAs === undefined ? {} : { uid: runAs.uid, gid: runAs.gid }),
    });
  } catch (error) {
    const output = error instanceof Error && 'stderr' in error ? String(error.stderr) : '';
    throw new HarnessError(HarnessErrorCode.CommandFailed, `initdb failed:\n${output}`, {
      cause: error,
    });
  }
}

/**
 * initdb into a temporary directory and start postgres there on a free loopback port, tuned for
 * tests (no fsync). As root the directory is handed to the `postgres` OS user, which runs it.
 */
export async function startPostgres(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const binDir = findPostgresBinDir();
  const runAs = postgresRunAs();
  // SIGQUIT is postgres's immediate shutdown: it also ends the backends at once.
  const dir = createServerDir('pg', 'SIGQUIT');
  const dataDir = join(dir, 'data');
  try {
    if (runAs !== undefined) chownSync(dir, runAs.uid, runAs.gid);
    await initdb(binDir, dataDir, runAs);
  } catch (error) {
    await removeServerDir(dir);
    throw error;
  }
  const server = await ManagedServer.start({
    dir,
    ...(options.port === undefined ? {} : { port: options.port }),
    specFor: (port) => ({
      name: 'postgres',
      command: join(binDir, 'postgres'),
      args: [
        ...['-D', dataDir, '-p', String(port), '-k', dir],
        ...[
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          `max_connections=${options.maxConnections ?? DEFAULT_MAX_CONNECTIONS}`,
        ],
        // Durability buys nothing in a cluster that is deleted after the run.
        ...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
        // Names its child processes, so a leftover one is easy to spot in ps.
        ...['-c', 'cluster_name=switchyard-test'],
      ],
      dir,
      logFile: join(dir, 'postgres.log'),
      ...(runAs === undefined ? {} : { runAs }),
      isReady: () => postmasterReady(dataDir),
      startTimeoutMs: options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
      // postgres's fast shutdown: disconnect clients, checkpoint, exit.
      stopSignal: 'SIGINT',
    }),
  });
  const url = `postgres://postgres@127.0.0.1:${server.port}/postgres`;
  return {
    url,
    port: server.port,
    get pid() {
      return server.pid;
    },
    createDatabase: (name = randomDatabaseName(), createOptions) =>
      createDatabase(url, name, createOptions),
    dropDatabase: (name) => dropDatabase(url, name),
    stop: () => server.stop(),
    kill: (signal) => server.kill(signal),
  };
}
