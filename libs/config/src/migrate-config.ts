import { databaseUrlVariable } from './common-config.js';
import type { Env } from './env.js';
import { loadVariables } from './load-variables.js';

/** Configuration of the migration runner. */
export interface MigrateConfig {
  /** Postgres connection URL (`DATABASE_URL`). */
  readonly databaseUrl: string;
}

/** The migration runner's variables. */
export const migrateVariables = { databaseUrl: databaseUrlVariable } as const;

/** Reads and validates `DATABASE_URL`; throws ConfigError when it is missing or not a Postgres URL. */
export function loadMigrateConfig(env: Env = process.env): MigrateConfig {
  return loadVariables(env, migrateVariables);
}
