import type { Migration } from 'kysely';
import * as coreTables from './0001-core-tables.js';
import * as requestLogs from './0002-request-logs.js';
import * as opsMetrics from './0003-ops-metrics.js';
import * as usageCost from './0004-usage-cost.js';

/**
 * Every migration, by name. kysely applies them in name order, so names start with a
 * zero-padded sequence number. Registered statically (no directory scan) so that the bundle,
 * the CLI and jest all see the same list without file-system paths. Append only: a migration
 * that has run anywhere is never edited or renamed.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001_core_tables': coreTables,
  '0002_request_logs': requestLogs,
  '0003_ops_metrics': opsMetrics,
  '0004_usage_cost': usageCost,
});
