import { createUpstreamSim } from './create-upstream-sim.js';
import { parseCliArgs } from './parse-cli-args.js';

// CLI: `node test/upstream-sim/dist/main.js --port 18090`. Prints one JSON line once listening.
async function main(): Promise<void> {
  const options = parseCliArgs(process.argv.slice(2));
  const sim = await createUpstreamSim(options);
  process.stdout.write(`${JSON.stringify({ event: 'listening', url: sim.url, port: sim.port })}\n`);
  const stop = (): void => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${JSON.stringify({ event: 'error', message })}\n`);
  process.exit(1);
});
