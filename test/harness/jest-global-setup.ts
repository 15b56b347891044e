// Starts one postgres cluster for the whole jest run and hands its admin URL to the workers in
// SWITCHYARD_TEST_PG_URL: initdb takes a second or two, a CREATE DATABASE per test a few ms.
// Every startHarness({ postgres | migrate }) then makes its own database on it. When the
// variable is already set (a cluster of your own, e.g. the dev stack's), it is used as it is.
// jest loads this file without its module mapping, so it uses the harness's built output
// (`tsc -b`, which the test command runs before jest) rather than a second copy of the code.
import {
  SHARED_POSTGRES_ENV,
  startPostgres,
  sweepStaleServers,
  type PostgresServer,
} from './dist/index.js';

declare global {
  var __switchyardSharedPostgres: PostgresServer | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env[SHARED_POSTGRES_ENV]) return;
  sweepStaleServers();
  const server = await startPostgres();
  // Globals set here are visible to the global teardown, which runs in this same process.
  globalThis.__switchyardSharedPostgres = server;
  process.env[SHARED_POSTGRES_ENV] = server.url;
}
