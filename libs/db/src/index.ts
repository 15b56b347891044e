export { createDb } from './create-db.js';
export type { CreateDbOptions, Db } from './create-db.js';

export type { Database, OpsMetricsTableName } from './schema/database.js';
export type { UsersTable } from './schema/users-table.js';
export type { GroupsTable } from './schema/groups-table.js';
export type { ApiKeysTable } from './schema/api-keys-table.js';
export type { AccountsTable } from './schema/accounts-table.js';
export type { AccountGroupsTable } from './schema/account-groups-table.js';
export type { UsageLogsTable } from './schema/usage-logs-table.js';
export type { OpsErrorLogsTable } from './schema/ops-error-logs-table.js';
export type { OpsMetricsTable, LatencyHistogram } from './schema/ops-metrics-table.js';
export type { JsonValue } from './schema/column-types.js';
export { EntityStatus, ErrorOwner } from './schema/column-values.js';

export { MIGRATIONS } from './migrations/index.js';
export { migrateToLatest, rollbackMigrations, migrationNames } from './migrate.js';
export { MigrationError, MIGRATION_ERROR_CODE } from './migration-error.js';
export { runDbCli } from './run-cli.js';
export type { CliOutput } from './run-cli.js';

export { createUser, getUser, getUserByEmail } from './repositories/users.js';
export type { NewUser, UserRecord } from './repositories/users.js';
export {
  createGroup,
  deleteGroup,
  getGroup,
  listGroups,
  updateGroup,
} from './repositories/groups.js';
export type { GroupPatch, GroupRecord, NewGroup } from './repositories/groups.js';
export {
  createAccount,
  deleteAccount,
  getAccount,
  listAccounts,
  updateAccount,
} from './repositories/accounts.js';
export type { AccountPatch, AccountRecord, NewAccount } from './repositories/accounts.js';
export { setAccountGroups } from './repositories/account-groups.js';
export type { AccountGroupLink } from './repositories/account-groups.js';
export { toDomainAccount } from './repositories/domain-account.js';
export { loadAllBuckets, loadBucketAccounts } from './repositories/bucket-accounts.js';
export {
  createApiKey,
  deleteApiKey,
  findApiKeyByHash,
  getApiKey,
  listApiKeys,
  updateApiKeyStatus,
} from './repositories/api-keys.js';
export type { ApiKeyRecord, NewApiKey } from './repositories/api-keys.js';
export { OPS_METRICS_CONFLICT_TARGET, upsertOpsMetrics } from './repositories/ops-metrics.js';
export type { OpsMetricsRow } from './repositories/ops-metrics.js';
export {
  deleteOpsMetricsBefore,
  deleteRequestLogsBefore,
  earliestOpsMetricsBucket,
  latestOpsMetricsBucket,
  selectOpsMetrics,
} from './repositories/ops-metrics-queries.js';
export type { OpsMetricsRecord, OpsMetricsSlice } from './repositories/ops-metrics-queries.js';
export { insertUsageLogs } from './repositories/usage-logs.js';
export type { UsageLogInsert } from './repositories/usage-logs.js';
export { insertOpsErrorLogs } from './repositories/ops-error-logs.js';
export type { OpsErrorLogInsert } from './repositories/ops-error-logs.js';
export {
  earliestRequestLogAt,
  loadErrorSlices,
  loadUsageSlices,
} from './repositories/request-log-slices.js';
export type { ErrorSlice, TimeRange, UsageSlice } from './repositories/request-log-slices.js';
export { inTransaction } from './repositories/in-transaction.js';

export { createCredentialCipher } from './secrets/credential-cipher.js';
export type { CredentialCipher } from './secrets/credential-cipher.js';
export {
  CREDENTIAL_DECRYPT_CODES,
  CredentialDecryptError,
  CredentialKeyError,
} from './secrets/credential-errors.js';
export type { CredentialDecryptCode } from './secrets/credential-errors.js';
export { DEFAULT_API_KEY_PREFIX, generateApiKey, hashApiKey } from './secrets/api-key.js';
export type { GeneratedApiKey } from './secrets/api-key.js';
export {
  PersistStateOutcome,
  persistAccountState,
  recordAccountsLastUsed,
} from './repositories/account-state.js';
export { loadAccountsById } from './repositories/accounts-by-id.js';
