import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { trackServer } from './child-registry.js';
import { HarnessError, HarnessErrorCode } from './harness-error.js';

/** An OS account to run a server as (postgres refuses to run as root). */
export type RunAs = { readonly uid: number; readonly gid: number };

/** How to start one server process and tell when it is ready. */
export type LaunchSpec = {
  /** For messages, e.g. `nats-server`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** The server's directory, from createServerDir: its working directory. */
  readonly dir: string;
  /** Receives the server's stdout and stderr; quoted in start errors. */
  readonly logFile: string;
  readonly runAs?: RunAs;
  /** Polled until it resolves true. */
  readonly isReady: () => Promise<boolean> | boolean;
  readonly startTimeoutMs: number;
  /** Asks for a clean shutdown. */
  readonly stopSignal: NodeJS.Signals;
};

const READY_POLL_MS = 20;
const LOG_TAIL_BYTES = 2000;
const DEFAULT_STOP_TIMEOUT_MS = 10_000;

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The end of a log file from byte `from` on (what the last launch wrote), for an error message. */
export function logTail(path: string, from = 0): string {
  try {
    const text = readFileSync(path).subarray(from).toString('utf8');
    return text.length > LOG_TAIL_BYTES ? `…${text.slice(-LOG_TAIL_BYTES)}` : text;
  } catch {
    return '(no log)';
  }
}

// Every bind failure message of nats-server, redis-server and postgres contains this.
const ADDRESS_IN_USE = /address already in use/i;

/** One running server process. */
export class ServerProcess {
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  readonly #stopSignal: NodeJS.Signals;

  constructor(child: ChildProcess, spec: LaunchSpec) {
    this.#child = child;
    this.#stopSignal = spec.stopSignal;
    this.#exited = new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    });
    trackServer(spec.dir, child);
  }

  get pid(): number {
    return this.#child.pid ?? -1;
  }

  get running(): boolean {
    return (
      this.#child.exitCode === null &&
      this.#child.signalCode === null &&
      this.#child.pid !== undefined
    );
  }

  /** Sends a signal and returns at once: to simulate a crash. */
  kill(signal: NodeJS.Signals): void {
    if (this.running) this.#child.kill(signal);
  }

  /** Asks the server to shut down, and kills it if it has not exited within the timeout. */
  async stop(timeoutMs = DEFAULT_STOP_TIMEOUT_MS): Promise<void> {
    if (!this.running) return this.#exited;
    this.#child.kill(this.#stopSignal);
    const timer = setTimeout(() => this.kill('SIGKILL'), timeoutMs);
    try {
      await this.#exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Starts a server and resolves once `isReady` says so. Rejects, with the end of the server's
 * log, when it exits first (code port_in_use when its port was taken) or does not get ready
 * within the timeout; the process is gone by then.
 */
export async function launchServer(spec: LaunchSpec): Promise<ServerProcess> {
  // A restart appends to the same log; errors quote only what this launch wrote.
  const logStart = fileSize(spec.logFile);
  const log = openSync(spec.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(spec.command, spec.args, {
      cwd: spec.dir,
      // A fixed, small environment: PG*, REDIS_* or NATS_* variables of the test process must
      // not change how the server starts.
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: spec.dir, LC_ALL: 'C' },
      stdio: ['ignore', log, log],
      ...(spec.runAs === undefined ? {} : { uid: spec.runAs.uid, gid: spec.runAs.gid }),
    });
  } finally {
    closeSync(log);
  }
  let spawnError: unknown;
  child.once('error', (error) => (spawnError = error));
  const server = new ServerProcess(child, spec);
  const deadline = Date.now() + spec.startTimeoutMs;
  for (;;) {
    if (!server.running) {
      const tail = logTail(spec.logFile, logStart);
      const code = ADDRESS_IN_USE.test(tail)
        ? HarnessErrorCode.PortInUse
        : HarnessErrorCode.ExitedEarly;
      throw new HarnessError(code, `${spec.name} exited before it was ready; its log:\n${tail}`, {
        cause: spawnError,
      });
    }
    if (await spec.isReady()) return server;
    if (Date.now() > deadline) {
      await server.stop(0);
      throw new HarnessError(
        HarnessErrorCode.StartTimeout,
        `${spec.name} was not ready within ${spec.startTimeoutMs} ms; its log:\n${logTail(spec.logFile, logStart)}`,
      );
    }
    await sleep(READY_POLL_MS);
  }
}

const PORT_ATTEMPTS = 5;

/**
 * launchServer on a port from `pickPort`, trying a new port when the last one was taken in the
 * meantime. With a fixed port (the caller's choice) there is nothing to retry.
 */
export async function launchOnFreePort(
  pickPort: () => Promise<number>,
  specFor: (port: number) => LaunchSpec,
  fixedPort?: number,
): Promise<{ process: ServerProcess; port: number }> {
  for (let attempt = 1; ; attempt += 1) {
    const port = fixedPort ?? (await pickPort());
    try {
      return { process: await launchServer(specFor(port)), port };
    } catch (error) {
      const retry = error instanceof HarnessError && error.retryable;
      if (!retry || fixedPort !== undefined || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}
