/** Latency statistics over samples in nanoseconds (from process.hrtime.bigint differences). */
export type LatencySummary = {
  count: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  meanUs: number;
  maxUs: number;
};

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarizeNs(samplesNs: number[]): LatencySummary {
  const sorted = Float64Array.from(samplesNs).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const us = (ns: number): number => Math.round(ns / 10) / 100;
  return {
    count: sorted.length,
    p50Us: us(percentile(sorted, 50)),
    p90Us: us(percentile(sorted, 90)),
    p99Us: us(percentile(sorted, 99)),
    meanUs: us(sorted.length ? sum / sorted.length : Number.NaN),
    maxUs: us(sorted.length ? sorted[sorted.length - 1]! : Number.NaN),
  };
}

/**
 * Runs `op` sequentially `iterations` times after `warmup` untimed runs; returns ns samples.
 * `after`, when given, runs untimed after each op with its result (e.g. releasing what the op
 * took), so the next op starts on a quiet connection.
 */
export async function timeSequential<T>(
  op: () => Promise<T>,
  iterations: number,
  warmup = Math.min(500, Math.ceil(iterations / 10)),
  after?: (result: T) => Promise<unknown>,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) {
    const result = await op();
    if (after !== undefined) await after(result);
  }
  const samples = new Array<number>(iterations);
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    const result = await op();
    samples[i] = Number(process.hrtime.bigint() - t0);
    if (after !== undefined) await after(result);
  }
  return samples;
}

/**
 * Counts promises in flight (timeAtRate's calls, slot releases fired after a timed call) so
 * that a bench can wait for them at the end without holding each one (see timeAtRate).
 */
export class InFlight {
  #count = 0;
  #drained: (() => void) | undefined;

  track(promise: Promise<unknown>): void {
    this.#count += 1;
    const done = (): void => {
      this.#count -= 1;
      if (this.#count === 0) this.#drained?.();
    };
    promise.then(done, done);
  }

  /** Resolves once every tracked promise settled. */
  drained(): Promise<void> {
    if (this.#count === 0) return Promise.resolve();
    return new Promise((resolve) => (this.#drained = resolve));
  }
}

/**
 * Offers `op` at a fixed rate (open loop: start times never wait for earlier calls to end) for
 * `count` calls. A timer ticks about every millisecond and starts every call whose scheduled
 * time has come, so the generator sleeps between ticks instead of spinning a core that the
 * system under test needs (this machine has two). Each call's latency runs from its actual
 * start; how late calls started against their schedule is returned as `startLagNs`, so a stall
 * of the generator itself is visible rather than hidden.
 *
 * The generator keeps no promise or closure per call beyond the call's own life: samples go
 * into preallocated typed arrays and completion is a counter (InFlight). Holding every call's promise
 * until the end (as `Promise.all` over them would) makes each of them survive the young
 * generation and be copied into the old one, which on this machine turned the generator's own
 * scavenges into 4–7 ms pauses every ~0.4 s, counted against whatever was being measured.
 */
export async function timeAtRate(
  op: () => Promise<unknown>,
  ratePerSec: number,
  count: number,
): Promise<{ samplesNs: number[]; startLagNs: number[]; achievedPerSec: number; errors: number }> {
  const intervalNs = 1e9 / ratePerSec;
  const latency = new Float64Array(count).fill(Number.NaN);
  const lag = new Float64Array(count);
  let errors = 0;
  const calls = new InFlight();
  const start = process.hrtime.bigint();
  let next = 0;
  while (next < count) {
    const now = process.hrtime.bigint();
    const due = Math.min(count, Math.floor(Number(now - start) / intervalNs) + 1);
    for (; next < due; next++) {
      const i = next;
      const startedAt = process.hrtime.bigint();
      lag[i] = Math.max(0, Number(startedAt - start) - i * intervalNs);
      calls.track(
        op().then(
          () => {
            latency[i] = Number(process.hrtime.bigint() - startedAt);
          },
          () => {
            errors += 1;
          },
        ),
      );
    }
    if (next < count) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await calls.drained();
  const elapsedS = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    samplesNs: Array.from(latency).filter((v) => !Number.isNaN(v)),
    startLagNs: Array.from(lag),
    achievedPerSec: count / elapsedS,
    errors,
  };
}
