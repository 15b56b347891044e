/** A dependency probe: resolves when the dependency is usable, rejects with the reason when not. */
export type ReadinessCheck = () => Promise<void>;

export interface ReadinessReport {
  readonly ready: boolean;
  /** Per check: `ok`, or why it failed. */
  readonly checks: Readonly<Record<string, string>>;
}

class CheckTimeoutError extends Error {
  override readonly name = 'CheckTimeoutError';
  readonly code = 'check_timeout';
  readonly retryable = true;
}

function withTimeout(check: ReadinessCheck, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new CheckTimeoutError(`timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    // A thrown (not rejected) error counts as a failure too.
    Promise.resolve()
      .then(check)
      .then(resolve, reject)
      .finally(() => clearTimeout(timer));
  });
}

function reasonOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** Runs every check concurrently, each bounded by `timeoutMs`, and reports them all. */
export async function runReadinessChecks(
  checks: Readonly<Record<string, ReadinessCheck>>,
  timeoutMs: number,
): Promise<ReadinessReport> {
  const names = Object.keys(checks);
  const outcomes = await Promise.allSettled(
    names.map((name) => withTimeout(checks[name], timeoutMs)),
  );
  const report: Record<string, string> = {};
  outcomes.forEach((outcome, i) => {
    report[names[i]] = outcome.status === 'fulfilled' ? 'ok' : reasonOf(outcome.reason);
  });
  return { ready: outcomes.every((o) => o.status === 'fulfilled'), checks: report };
}
