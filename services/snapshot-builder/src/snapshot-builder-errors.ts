/** Errors of the snapshot-builder; each says whether trying again (redelivery) can help. */
export class SnapshotBuilderError extends Error {
  readonly code: string;
  readonly retryable: boolean;

  constructor(message: string, code: string, retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SnapshotBuilderError';
    this.code = code;
    this.retryable = retryable;
  }
}

/** Another replica held a bucket's lock for longer than we were willing to wait. */
export class LockWaitTimeoutError extends SnapshotBuilderError {
  readonly lock: string;

  constructor(lock: string, waitedMs: number) {
    super(`lock ${lock} still held after ${waitedMs} ms`, 'lock_wait_timeout', true);
    this.name = 'LockWaitTimeoutError';
    this.lock = lock;
  }
}

/** The builder was stopped while work was waiting; the events are redelivered later. */
export class BuilderStoppedError extends SnapshotBuilderError {
  constructor() {
    super('snapshot builder stopped', 'stopped', true);
    this.name = 'BuilderStoppedError';
  }
}
