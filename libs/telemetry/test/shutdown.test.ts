import { EventEmitter } from 'node:events';
import type { ShutdownStep } from '@switchyard/telemetry';
import { createLogger, installShutdown } from '@switchyard/telemetry';

function setup(steps: ShutdownStep[], timeoutMs = 5000) {
  const lines: string[] = [];
  const logger = createLogger({
    service: 'test',
    destination: { write: (l: string) => lines.push(l) },
  });
  const signals = new EventEmitter();
  const exits: number[] = [];
  let exited!: (code: number) => void;
  const exitCalled = new Promise<number>((resolve) => (exited = resolve));
  const handle = installShutdown({
    logger,
    timeoutMs,
    steps,
    signalSource: signals,
    exit: (code) => {
      exits.push(code);
      exited(code);
    },
  });
  const messages = () => lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
  return { handle, signals, exits, exitCalled, messages };
}

describe('installShutdown', () => {
  it('runs the steps in order on SIGTERM, then exits 0', async () => {
    const order: string[] = [];
    const step = (name: string): ShutdownStep => ({
      name,
      run: async () => {
        await new Promise((r) => setImmediate(r));
        order.push(name);
      },
    });
    const { handle, signals, exitCalled, messages } = setup([
      step('drain http'),
      step('drain nats'),
      step('close redis'),
    ]);
    signals.emit('SIGTERM');
    expect(await exitCalled).toBe(0);
    expect(order).toEqual(['drain http', 'drain nats', 'close redis']);
    expect(messages()).toEqual([
      'shutting down',
      'shutdown step done',
      'shutdown step done',
      'shutdown step done',
      'shutdown complete',
    ]);
    handle.dispose();
  });

  it('reacts to SIGINT too', async () => {
    const { handle, signals, exitCalled } = setup([{ name: 'noop', run: async () => {} }]);
    signals.emit('SIGINT');
    expect(await exitCalled).toBe(0);
    handle.dispose();
  });

  it('exits 1 when a step outlives the timeout, without running later steps', async () => {
    let laterRan = false;
    const { handle, signals, exitCalled, messages } = setup(
      [
        { name: 'hangs', run: () => new Promise<void>(() => {}) },
        { name: 'later', run: async () => void (laterRan = true) },
      ],
      50,
    );
    signals.emit('SIGTERM');
    expect(await exitCalled).toBe(1);
    expect(laterRan).toBe(false);
    expect(messages()).toContain('shutdown timed out');
    handle.dispose();
  });

  it('keeps going after a failed step and exits 1', async () => {
    const order: string[] = [];
    const { handle, signals, exitCalled, messages } = setup([
      {
        name: 'broken',
        run: async () => {
          throw new Error('drain failed');
        },
      },
      { name: 'close db', run: async () => void order.push('close db') },
    ]);
    signals.emit('SIGTERM');
    expect(await exitCalled).toBe(1);
    expect(order).toEqual(['close db']);
    expect(messages()).toContain('shutdown step failed');
    handle.dispose();
  });

  it('forces exit 1 on a second signal while steps are still running', async () => {
    let release!: () => void;
    let started!: () => void;
    const stepStarted = new Promise<void>((resolve) => (started = resolve));
    const { handle, signals, exits } = setup([
      {
        name: 'slow',
        run: () =>
          new Promise<void>((resolve) => {
            release = resolve;
            started();
          }),
      },
    ]);
    signals.emit('SIGTERM');
    await stepStarted;
    signals.emit('SIGTERM');
    expect(exits).toEqual([1]);
    release();
    expect(await handle.shutdown('again')).toBe(0);
    // The first run finishing later does not exit a second time.
    expect(exits).toEqual([1]);
    handle.dispose();
  });

  it('can be started without a signal and runs only once', async () => {
    let runs = 0;
    const { handle, exits } = setup([{ name: 'count', run: async () => void runs++ }]);
    const [a, b] = await Promise.all([handle.shutdown('fatal'), handle.shutdown('fatal')]);
    expect([a, b]).toEqual([0, 0]);
    expect(runs).toBe(1);
    expect(exits).toEqual([0]);
    handle.dispose();
  });

  it('stops listening once disposed', () => {
    const { handle, signals } = setup([]);
    expect(signals.listenerCount('SIGTERM')).toBe(1);
    handle.dispose();
    expect(signals.listenerCount('SIGTERM')).toBe(0);
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });
});
