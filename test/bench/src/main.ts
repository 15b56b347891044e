import { cpus } from 'node:os';
import type { Bench } from './bench.js';
import { benches } from './benches/index.js';
import { renderTable, withRatios, writeReport, type BenchReport } from './report.js';

// `pnpm bench` runs every benchmark; `pnpm bench <name> [<name>…]` runs the named ones.
// The script is started from the repository root (scripts/bench.sh), where .local/bench lives.
async function main(argv: string[]): Promise<number> {
  const wanted = argv.filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !benches.some((b) => b.name === w));
  if (unknown.length > 0) {
    console.error(
      `unknown benchmark(s): ${unknown.join(', ')}; known: ${benches.map((b) => b.name).join(', ')}`,
    );
    return 2;
  }
  const selected: readonly Bench[] = wanted.length
    ? benches.filter((b) => wanted.includes(b.name))
    : benches;
  for (const bench of selected) {
    console.log(`\n# ${bench.name}: ${bench.description}`);
    const startedAt = new Date().toISOString();
    const { rows, extra } = await bench.run();
    const report: BenchReport = {
      name: bench.name,
      startedAt,
      machine: { node: process.version, cpus: cpus().length, platform: process.platform },
      rows: withRatios(rows),
      ...(extra ? { extra } : {}),
    };
    console.log(renderTable(report));
    console.log(`(written to ${writeReport(process.cwd(), report)})`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
