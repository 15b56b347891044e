// Stops the postgres cluster jest-global-setup.cjs started (and nothing it did not start).
const { SHARED_POSTGRES_ENV, stopSharedPostgres } = require('./jest-shared-postgres.cjs');

module.exports = async () => {
  const handle = globalThis.__switchyardSharedPostgres;
  if (handle === undefined) return;
  globalThis.__switchyardSharedPostgres = undefined;
  delete process.env[SHARED_POSTGRES_ENV];
  await stopSharedPostgres(handle);
};
