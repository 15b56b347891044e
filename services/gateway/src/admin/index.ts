export { ADMIN_BASE_PATH } from './admin-base-path.js';
export { createAdminRouter } from './admin-router.js';
export type { AccountEventSink, AdminDeps } from './admin-deps.js';
export { AdminValidationError } from './admin-validation-error.js';
export type { AdminIssue } from './admin-validation-error.js';
export { sendAdminError } from './send-admin-error.js';
export type { AdminErrorBody } from './send-admin-error.js';
export { requireAdminToken } from './require-admin-token.js';
export { accountView, apiKeyView, groupView } from './views.js';
export type { AccountView, ApiKeyView, GroupView } from './views.js';
export {
  apiKeyCredentialsSchema,
  credentialsSchemaFor,
  oauthCredentialsSchema,
} from './schemas/credentials.js';
export { CliUsageError } from './cli/cli-usage-error.js';
export { parseAdminCommand } from './cli/parse-admin-command.js';
export type {
  AdminCommand,
  AdminConnection,
  AdminRequest,
  HttpMethod,
} from './cli/parse-admin-command.js';
export { CliExit, runSwitchyardCli } from './cli/run-admin-cli.js';
export type { CliIo } from './cli/run-admin-cli.js';
export { USAGE } from './cli/usage.js';
