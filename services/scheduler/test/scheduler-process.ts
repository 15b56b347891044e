import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SchedulerClient } from '@switchyard/bus';

/** A scheduler replica running as its own process (the built `dist/main.js`). */
export type SchedulerProcess = {
  readonly pid: number;
  output(): string;
  /** SIGKILL: the process vanishes mid-request, as in a crash or an OOM kill. */
  kill(): void;
  exited: Promise<void>;
};

// Built by `pnpm exec tsc -b` (the test command builds before jest runs; see scripts/test.sh).
const MAIN = resolve(__dirname, '../dist/main.js');

/**
 * Starts `services/scheduler/dist/main.js` with `env` and waits until it answers metrics on its
 * own subject, i.e. until its subscriptions are live.
 */
export async function spawnSchedulerProcess(
  env: Record<string, string>,
  client: SchedulerClient,
): Promise<SchedulerProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`pnpm exec tsc -b\` first`);
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const replicaId = env.SERVICE_INSTANCE_ID;
  if (replicaId === undefined) throw new Error('SERVICE_INSTANCE_ID is required');
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`scheduler exited during start-up:\n${out}`);
    const ready = await client.metrics(replicaId).then(
      () => true,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`scheduler did not come up:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    pid: child.pid ?? -1,
    output: () => out,
    kill: () => void child.kill('SIGKILL'),
    exited,
  };
}
