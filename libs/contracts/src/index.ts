export { Subjects, QueueGroups } from './subjects.js';
export { Streams } from './streams.js';
export type { StreamSpec } from './streams.js';
export { AccountEventType, ACCOUNT_EVENT_TYPES } from './account-event-type.js';
export { accountEventSubject } from './account-event-subject.js';

export { MalformedMessageError } from './malformed-message-error.js';
export type { MessageIssue } from './malformed-message-error.js';
export { decodeMessage, encodeMessage, validateMessage } from './codec.js';

export { RpcErrorCode, DEFAULT_RETRYABLE } from './rpc-error-code.js';
export { rpcErrorSchema, rpcReplySchema, okReply, errorReply } from './messages/rpc-reply.js';
export type { RpcError, RpcReply } from './messages/rpc-reply.js';
export { RpcReplyError, unwrapReply } from './rpc-reply-error.js';

export {
  platformSchema,
  accountTypeSchema,
  accountStatusSchema,
  epochMsSchema,
  entityIdSchema,
  requestGroupIdSchema,
  bucketKeySchema,
} from './messages/primitives.js';

export { Transport, selectRequestSchema } from './messages/select-request.js';
export type { SelectRequest, SelectRequestInput } from './messages/select-request.js';
export {
  SelectLayer,
  selectedAccountSchema,
  acquiredSlotSchema,
  waitPlanSchema,
  scoreBreakdownSchema,
  selectDecisionSchema,
  selectResultSchema,
  sessionLeaseSchema,
} from './messages/select-result.js';
export type {
  SelectedAccount,
  AcquiredSlot,
  WaitPlan,
  ScoreBreakdown,
  SelectDecision,
  SelectResult,
  SessionLease,
} from './messages/select-result.js';
export { reportSchema } from './messages/report.js';
export type { Report } from './messages/report.js';
export { metricsRequestSchema, metricsSnapshotSchema } from './messages/metrics.js';
export type { MetricsRequest, MetricsSnapshot } from './messages/metrics.js';

export {
  accountEventSchema,
  accountChangedEventSchema,
  accountStateEventSchema,
  accountGroupsChangedEventSchema,
  accountBulkChangedEventSchema,
  groupChangedEventSchema,
  fullRebuildEventSchema,
  lastUsedEventSchema,
} from './messages/account-events.js';
export type {
  AccountEvent,
  AccountChangedEvent,
  AccountStateEvent,
  AccountGroupsChangedEvent,
  AccountBulkChangedEvent,
  GroupChangedEvent,
  FullRebuildEvent,
  LastUsedEvent,
} from './messages/account-events.js';
export { snapshotUpdatedSchema } from './messages/snapshot-updated.js';
export type { SnapshotUpdated } from './messages/snapshot-updated.js';
export { usageRecordedSchema } from './messages/usage-recorded.js';
export type { UsageRecorded } from './messages/usage-recorded.js';
export { OpsErrorPhase, ErrorOwner, opsErrorSchema } from './messages/ops-error.js';
export type { OpsError } from './messages/ops-error.js';
