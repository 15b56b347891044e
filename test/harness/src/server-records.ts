import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { processStartTime } from './process-info.js';

/**
 * One server directory a test process made, written to disk from the moment the directory
 * exists until it is removed, so that a later run can clean up after a test process that died
 * without stopping its servers (SIGKILL, OOM, a crashed jest). test/harness/jest-shared-postgres.cjs
 * reads and writes the same files: keep the two in step.
 */
export type ServerRecord = {
  /** The server's temporary directory, removed with it. */
  readonly dir: string;
  /** The signal that ends the server at once (postgres: SIGQUIT, so its backends go too). */
  readonly signal: NodeJS.Signals;
  /** The process that made it, and that process's start time (see processStartTime). */
  readonly owner: number;
  readonly ownerStart: string;
  /** The server's pid and start time, once it has been spawned. */
  readonly pid?: number;
  readonly start?: string;
};

function recordDir(): string {
  return join(tmpdir(), `switchyard-harness-${process.getuid?.() ?? 0}`);
}

function recordPath(dir: string): string {
  return join(recordDir(), `${basename(dir)}.json`);
}

/** Records `dir` as owned by this process, and the server in it when `pid` is given. */
export function writeServerRecord(dir: string, signal: NodeJS.Signals, pid?: number): void {
  const ownerStart = processStartTime(process.pid);
  if (ownerStart === undefined) return;
  const start = pid === undefined ? undefined : processStartTime(pid);
  const record: ServerRecord = {
    dir,
    signal,
    owner: process.pid,
    ownerStart,
    ...(pid === undefined || start === undefined ? {} : { pid, start }),
  };
  mkdirSync(recordDir(), { recursive: true });
  writeFileSync(recordPath(dir), JSON.stringify(record));
}

export function removeServerRecord(dir: string): void {
  rmSync(recordPath(dir), { force: true });
}

function readRecord(path: string): ServerRecord | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ServerRecord;
  } catch {
    return undefined;
  }
}

/**
 * Ends the servers whose owner process is gone and removes their directories. Those of live
 * test processes (another jest run, a benchmark) are left alone. Returns how many it cleared.
 */
export function sweepStaleServers(): number {
  let names: string[];
  try {
    names = readdirSync(recordDir()).filter((name) => name.endsWith('.json'));
  } catch {
    return 0;
  }
  let cleared = 0;
  for (const name of names) {
    const path = join(recordDir(), name);
    const record = readRecord(path);
    if (record !== undefined && processStartTime(record.owner) === record.ownerStart) continue;
    if (record?.pid !== undefined && processStartTime(record.pid) === record.start) {
      try {
        process.kill(record.pid, record.signal);
      } catch {
        // It exited in the meantime.
      }
    }
    if (record !== undefined) rmSync(record.dir, { recursive: true, force: true });
    rmSync(path, { force: true });
    cleared += 1;
  }
  return cleared;
}

let swept = false;

/** sweepStaleServers, once per process: before the first server this process starts. */
export function sweepStaleServersOnce(): void {
  if (swept) return;
  swept = true;
  sweepStaleServers();
}
