import { removeServerDir } from './child-registry.js';
import { freePort } from './free-port.js';
import {
  launchOnFreePort,
  launchServer,
  type LaunchSpec,
  type ServerProcess,
} from './server-process.js';

export type ManagedServerOptions = {
  /** The server's directory, from createServerDir; removed by stop, or here when the start fails. */
  readonly dir: string;
  readonly specFor: (port: number) => LaunchSpec;
  /** A port the caller insists on; otherwise a free one is picked. */
  readonly port?: number;
};

/**
 * A server on a fixed port with a temporary directory it owns: can be killed (to simulate a
 * crash), restarted on the same port and directory, and stopped, which removes the directory.
 */
export class ManagedServer {
  readonly port: number;
  readonly dir: string;
  readonly #specFor: (port: number) => LaunchSpec;
  #process: ServerProcess;
  #stopped: Promise<void> | undefined;

  private constructor(options: ManagedServerOptions, process: ServerProcess, port: number) {
    this.port = port;
    this.dir = options.dir;
    this.#specFor = options.specFor;
    this.#process = process;
  }

  static async start(options: ManagedServerOptions): Promise<ManagedServer> {
    try {
      const { process, port } = await launchOnFreePort(freePort, options.specFor, options.port);
      return new ManagedServer(options, process, port);
    } catch (error) {
      await removeServerDir(options.dir);
      throw error;
    }
  }

  /** The current process's pid (a restart changes it). */
  get pid(): number {
    return this.#process.pid;
  }

  get running(): boolean {
    return this.#process.running;
  }

  /** Sends a signal (SIGKILL unless told) and returns at once. stop still cleans up after it. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.#process.kill(signal);
  }

  /** Stops the process if it still runs and starts it again on the same port and directory. */
  async restart(): Promise<void> {
    await this.#process.stop();
    this.#process = await launchServer(this.#specFor(this.port));
  }

  /** Stops the process and removes its directory. Safe to call more than once. */
  stop(): Promise<void> {
    this.#stopped ??= this.#process.stop().then(() => removeServerDir(this.dir));
    return this.#stopped;
  }
}
