import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeServerRecord, sweepStaleServersOnce, writeServerRecord } from './server-records.js';

/** A server directory this process owns, and the server running in it, if any. */
type Owned = {
  /** Sent when this process exits with the server still running; it cannot wait. */
  readonly exitSignal: NodeJS.Signals;
  child: ChildProcess | undefined;
};

const owned = new Map<string, Owned>();
const FATAL_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let hooked = false;

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null && child.pid !== undefined;
}

function cleanUpSync(): void {
  for (const [dir, entry] of owned) {
    if (entry.child !== undefined && isRunning(entry.child)) entry.child.kill(entry.exitSignal);
    rmSync(dir, { recursive: true, force: true });
    removeServerRecord(dir);
  }
  owned.clear();
}

function onFatalSignal(signal: NodeJS.Signals): void {
  cleanUpSync();
  process.removeListener(signal, onFatalSignal);
  // Nobody else handles it: die of it as the process would have without our listener.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  // 'exit' listeners may only do synchronous work: signal the servers, do not wait for them.
  process.on('exit', cleanUpSync);
  for (const signal of FATAL_SIGNALS) process.on(signal, onFatalSignal);
}

/**
 * Makes a temporary directory for a server. From now until removeServerDir, the directory and
 * the server that trackServer places in it do not outlive this process: they are cleaned up
 * when it exits or gets a fatal signal, and a record on disk lets a later run clean up when even
 * that fails (SIGKILL).
 */
export function createServerDir(prefix: string, exitSignal: NodeJS.Signals): string {
  sweepStaleServersOnce();
  hook();
  const dir = mkdtempSync(join(tmpdir(), `switchyard-${prefix}-`));
  owned.set(dir, { exitSignal, child: undefined });
  writeServerRecord(dir, exitSignal);
  return dir;
}

/** Notes the server process now running in `dir` (a restart notes the new one). */
export function trackServer(dir: string, child: ChildProcess): void {
  const entry = owned.get(dir);
  if (entry === undefined) return;
  entry.child = child;
  writeServerRecord(dir, entry.exitSignal, child.pid);
}

/** Removes a server directory, once its server has exited, and forgets it. */
export async function removeServerDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  owned.delete(dir);
  removeServerRecord(dir);
}
