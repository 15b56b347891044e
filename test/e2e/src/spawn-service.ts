import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export type ServiceName = 'gateway' | 'scheduler' | 'snapshot-builder' | 'metrics-aggregator';

export type ServiceProcess = {
  name: ServiceName;
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends SIGTERM and resolves with the exit code (or null and the signal). */
  stop(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no port')),
      );
    });
  });
}

/**
 * Starts a built service (`services/<name>/dist/main.js`, built by the test command before
 * jest runs, from the repository root) as a real process on a free loopback port with the given environment.
 */
export async function spawnService(
  name: ServiceName,
  env: Record<string, string>,
  repoRoot = process.cwd(),
): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [resolve(repoRoot, `services/${name}/dist/main.js`)], {
    env: { PATH: process.env.PATH ?? '', HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) =>
    child.once('exit', (code, signal) => ok({ code, signal })),
  );
  process.once('exit', () => child.kill('SIGKILL'));
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => out,
    async stop(timeoutMs = 15000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
