import type { AccountGroupsTable } from './account-groups-table.js';
import type { AccountsTable } from './accounts-table.js';
import type { ApiKeysTable } from './api-keys-table.js';
import type { GroupsTable } from './groups-table.js';
import type { OpsErrorLogsTable } from './ops-error-logs-table.js';
import type { OpsMetricsTable } from './ops-metrics-table.js';
import type { UsageLogsTable } from './usage-logs-table.js';
import type { UsersTable } from './users-table.js';

/** The kysely schema: table name → row type. Must match the migrations. */
export interface Database {
  users: UsersTable;
  groups: GroupsTable;
  api_keys: ApiKeysTable;
  accounts: AccountsTable;
  account_groups: AccountGroupsTable;
  usage_logs: UsageLogsTable;
  ops_error_logs: OpsErrorLogsTable;
  ops_metrics_hourly: OpsMetricsTable;
  ops_metrics_daily: OpsMetricsTable;
}

export type OpsMetricsTableName = 'ops_metrics_hourly' | 'ops_metrics_daily';
