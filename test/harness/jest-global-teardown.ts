// Stops the postgres cluster jest-global-setup.ts started (and nothing it did not start).
import { SHARED_POSTGRES_ENV } from './dist/index.js';

export default async function globalTeardown(): Promise<void> {
  const server = globalThis.__switchyardSharedPostgres;
  if (server === undefined) return;
  globalThis.__switchyardSharedPostgres = undefined;
  delete process.env[SHARED_POSTGRES_ENV];
  await server.stop();
}
