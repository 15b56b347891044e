/**
 * The environment variable through which the jest global setup hands its one postgres cluster
 * (admin URL) to the test workers. Set it yourself to run the tests against another cluster,
 * e.g. the dev stack's (`postgres://postgres@127.0.0.1:15432/postgres`).
 */
export const SHARED_POSTGRES_ENV = 'SWITCHYARD_TEST_PG_URL';

/** The shared cluster's admin URL, when there is one. */
export function sharedPostgresUrl(): string | undefined {
  const url = process.env[SHARED_POSTGRES_ENV];
  return url === undefined || url === '' ? undefined : url;
}
