import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One line of a benchmark's table. Latencies in microseconds, throughput per second. */
export type BenchRow = {
  case: string;
  p50Us?: number;
  p99Us?: number;
  throughputPerSec?: number;
  /** Name of the row this one is compared with, measured in the same run. */
  baseline?: string;
  /** p50 of this row divided by the baseline's p50. */
  ratioToBaseline?: number;
  target?: string;
  note?: string;
};

export type BenchReport = {
  name: string;
  startedAt: string;
  machine: { node: string; cpus: number; platform: string };
  rows: BenchRow[];
  extra?: Record<string, unknown>;
};

/** Fills `ratioToBaseline` from the named baseline rows. */
export function withRatios(rows: BenchRow[]): BenchRow[] {
  const byCase = new Map(rows.map((r) => [r.case, r]));
  return rows.map((r) => {
    const base = r.baseline ? byCase.get(r.baseline) : undefined;
    if (!base?.p50Us || r.p50Us === undefined) return r;
    return { ...r, ratioToBaseline: Math.round((r.p50Us / base.p50Us) * 100) / 100 };
  });
}

const columns: Array<[keyof BenchRow, string]> = [
  ['case', 'case'],
  ['p50Us', 'p50 µs'],
  ['p99Us', 'p99 µs'],
  ['throughputPerSec', 'per s'],
  ['ratioToBaseline', '× base'],
  ['baseline', 'baseline'],
  ['target', 'target'],
  ['note', 'note'],
];

export function renderTable(report: BenchReport): string {
  const used = columns.filter(([k]) => report.rows.some((r) => r[k] !== undefined));
  const cells = report.rows.map((r) =>
    used.map(([k]) => {
      const v = r[k];
      if (v === undefined) return '';
      if (typeof v === 'number')
        return k === 'throughputPerSec' ? Math.round(v).toString() : v.toString();
      return v;
    }),
  );
  const header = used.map(([, label]) => label);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  return [
    `## ${report.name}`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
  ].join('\n');
}

/** Writes `.local/bench/<name>.json` under `rootDir` and returns its path. */
export function writeReport(rootDir: string, report: BenchReport): string {
  const dir = join(rootDir, '.local', 'bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${report.name}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  return file;
}
