import type { Logger } from './logger.js';

export interface ShutdownStep {
  readonly name: string;
  run(): Promise<void>;
}

/** What signals arrive on; `process` by default, an EventEmitter in tests. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface ShutdownOptions {
  readonly logger: Logger;
  /** Budget for all steps together; when it runs out the process exits with code 1. */
  readonly timeoutMs: number;
  /** Run in order; the array is read when shutdown starts, so steps may be pushed later. */
  readonly steps: readonly ShutdownStep[];
  /** Default `process.exit`. */
  readonly exit?: (code: number) => void;
  /** Default `['SIGTERM', 'SIGINT']`. */
  readonly signals?: readonly NodeJS.Signals[];
  readonly signalSource?: SignalSource;
}

export interface ShutdownHandle {
  /** Starts the shutdown as a signal would (e.g. after a fatal error); resolves with the exit code. */
  shutdown(reason: string): Promise<number>;
  /** Removes the signal listeners. */
  dispose(): void;
}

const TIMED_OUT = Symbol('timed out');

function within<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * On the first SIGTERM/SIGINT runs the steps in order, each bounded by what is left of
 * `timeoutMs`, then exits 0 — or 1 if the budget ran out or a step failed (the following steps
 * still run after a failure: a broken NATS drain must not keep Postgres connections open).
 * A second signal exits 1 at once.
 */
export function installShutdown(options: ShutdownOptions): ShutdownHandle {
  const { logger, timeoutMs, steps } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const source: SignalSource = options.signalSource ?? process;
  let running: Promise<number> | undefined;
  let exited = false;

  function exitOnce(code: number): void {
    if (exited) return;
    exited = true;
    exit(code);
  }

  async function runSteps(reason: string): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    logger.info('shutting down', { reason, timeoutMs, steps: steps.map((s) => s.name) });
    let code = 0;
    for (const step of steps) {
      const remaining = Math.floor(deadline - performance.now());
      if (remaining <= 0) {
        logger.error('shutdown timed out', { timeoutMs, skipped: step.name });
        return 1;
      }
      const started = performance.now();
      try {
        const outcome = await within(
          Promise.resolve().then(() => step.run()),
          remaining,
        );
        if (outcome === TIMED_OUT) {
          logger.error('shutdown timed out', { timeoutMs, step: step.name });
          return 1;
        }
        logger.info('shutdown step done', {
          step: step.name,
          durationMs: Math.round(performance.now() - started),
        });
      } catch (error) {
        logger.error('shutdown step failed', { step: step.name, err: error });
        code = 1;
      }
    }
    logger.info('shutdown complete', { exitCode: code });
    return code;
  }

  function shutdown(reason: string): Promise<number> {
    if (running !== undefined) return running;
    running = runSteps(reason).then((code) => {
      exitOnce(code);
      return code;
    });
    return running;
  }

  function onSignal(signal: NodeJS.Signals): void {
    if (running !== undefined) {
      logger.warn('second signal, forcing exit', { signal });
      exitOnce(1);
      return;
    }
    void shutdown(signal);
  }

  const listeners = signals.map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, listener] of listeners) source.on(signal, listener);

  return {
    shutdown,
    dispose() {
      for (const [signal, listener] of listeners) source.off(signal, listener);
    },
  };
}
