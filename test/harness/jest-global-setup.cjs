// Starts one postgres cluster for the whole jest run and hands its admin URL to the workers in
// SWITCHYARD_TEST_PG_URL: initdb takes a second or two, a CREATE DATABASE per test a few ms.
// Every startHarness({ postgres | migrate }) then makes its own database on it. When the
// variable is already set (a cluster of your own, e.g. the dev stack's), it is used as it is.
const { SHARED_POSTGRES_ENV, startSharedPostgres } = require('./jest-shared-postgres.cjs');

module.exports = async () => {
  if (process.env[SHARED_POSTGRES_ENV]) return;
  const handle = await startSharedPostgres();
  if (handle === undefined) return;
  // Globals set here are visible to the global teardown, which runs in this same process.
  globalThis.__switchyardSharedPostgres = handle;
  process.env[SHARED_POSTGRES_ENV] = handle.url;
};
