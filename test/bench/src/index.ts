export { percentile, summarizeNs, timeAtRate, timeSequential } from './stats.js';
export type { LatencySummary } from './stats.js';
export { renderTable, withRatios, writeReport } from './report.js';
export type { BenchReport, BenchRow } from './report.js';
export type { Bench } from './bench.js';
