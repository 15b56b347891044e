// `node libs/db/dist/cli.js migrate`: the only place in this package that reads process.env.
import { runDbCli } from './run-cli.js';

process.exitCode = await runDbCli(process.argv.slice(2), process.env['DATABASE_URL'], {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
