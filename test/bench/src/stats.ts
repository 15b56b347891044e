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

/** Runs `op` sequentially `iterations` times after `warmup` untimed runs; returns ns samples. */
export async function timeSequential(
  op: () => Promise<unknown>,
  iterations: number,
  warmup = Math.min(500, Math.ceil(iterations / 10)),
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await op();
  const samples = new Array<number>(iterations);
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    await op();
    samples[i] = Number(process.hrtime.bigint() - t0);
  }
  return samples;
}

/**
 * Offers `op` at a fixed rate (open loop: start times do not wait for earlier calls to end) for
 * `count` calls and returns each call's latency measured from its scheduled start, so a stall
 * shows up as latency instead of silently lowering the offered rate.
 */
export async function timeAtRate(
  op: () => Promise<unknown>,
  ratePerSec: number,
  count: number,
): Promise<{ samplesNs: number[]; achievedPerSec: number; errors: number }> {
  const intervalNs = 1e9 / ratePerSec;
  const samples: number[] = [];
  let errors = 0;
  const start = process.hrtime.bigint();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const scheduled = start + BigInt(Math.round(i * intervalNs));
    let now = process.hrtime.bigint();
    while (now < scheduled) {
      const waitMs = Number(scheduled - now) / 1e6;
      if (waitMs >= 1) await new Promise((r) => setTimeout(r, Math.floor(waitMs)));
      else await new Promise((r) => setImmediate(r));
      now = process.hrtime.bigint();
    }
    pending.push(
      op().then(
        () => {
          samples.push(Number(process.hrtime.bigint() - scheduled));
        },
        () => {
          errors++;
        },
      ),
    );
  }
  await Promise.all(pending);
  const elapsedS = Number(process.hrtime.bigint() - start) / 1e9;
  return { samplesNs: samples, achievedPerSec: count / elapsedS, errors };
}
