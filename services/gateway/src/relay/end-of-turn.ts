/**
 * Work that must happen for a request but not before its answer is sent — publishing its
 * report and records — run together once the current event-loop turn's I/O callbacks are done
 * (`setImmediate`).
 *
 * Why batch: every NATS publish made from a separate I/O callback is flushed by its own socket
 * write (nats-core flushes once per microtask checkpoint), and each write wakes nats-server.
 * Under load many requests finish in one turn; gathered, their messages leave in one write and
 * are read by the server in one go. A request alone pays nothing: the task runs in the same
 * turn, after its response was written.
 */
export class EndOfTurn {
  #tasks: (() => void)[] = [];
  #scheduled = false;
  readonly #onError: (error: unknown) => void;

  /** `onError` hears of a task that threw; the other tasks still run. */
  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  defer(task: () => void): void {
    this.#tasks.push(task);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#run);
    }
  }

  readonly #run = (): void => {
    const tasks = this.#tasks;
    this.#tasks = [];
    this.#scheduled = false;
    for (const task of tasks) {
      try {
        task();
      } catch (error) {
        this.#onError(error);
      }
    }
  };
}
