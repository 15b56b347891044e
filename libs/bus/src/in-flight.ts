/** Counts running handlers so a drain can wait for them to finish. */
export class InFlight {
  #count = 0;
  #idle: (() => void)[] = [];

  enter(): void {
    this.#count++;
  }

  leave(): void {
    this.#count--;
    if (this.#count === 0 && this.#idle.length > 0) {
      const waiters = this.#idle;
      this.#idle = [];
      for (const resolve of waiters) resolve();
    }
  }

  get count(): number {
    return this.#count;
  }

  /** Resolves once no handler is running. */
  idle(): Promise<void> {
    if (this.#count === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}
