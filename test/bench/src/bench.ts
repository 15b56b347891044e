import type { BenchRow } from './report.js';

/** A benchmark: sets up what it needs (the harness starts real servers), measures, tears down. */
export type Bench = {
  name: string;
  description: string;
  run(): Promise<{ rows: BenchRow[]; extra?: Record<string, unknown> }>;
};
