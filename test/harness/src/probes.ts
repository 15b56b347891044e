import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

export type TcpProbe = {
  /** Written once connected (e.g. `PING\r\n`); nothing when the server speaks first. */
  readonly send?: string;
  /** Matched against what the server has sent so far. */
  readonly expect: RegExp;
  readonly timeoutMs?: number;
};

/**
 * Connects to 127.0.0.1:port and resolves true once the server sends something matching
 * `expect`; false on refusal, close, or timeout. Never rejects: it is polled while a server starts.
 */
export function probeTcp(port: number, probe: TcpProbe): Promise<boolean> {
  return new Promise((resolve) => {
    let received = '';
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(probe.timeoutMs ?? 1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
    socket.once('connect', () => {
      if (probe.send !== undefined) socket.write(probe.send);
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
      if (probe.expect.test(received)) done(true);
    });
  });
}

// Line 8 of postmaster.pid holds the postmaster's status; pg_ctl -w waits for "ready" the same way.
const PM_STATUS_LINE = 7;

/** True once the postmaster of this data directory accepts connections. */
export function postmasterReady(dataDir: string): boolean {
  try {
    const lines = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
    return lines[PM_STATUS_LINE]?.trim() === 'ready';
  } catch {
    return false;
  }
}
