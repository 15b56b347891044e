export { createGateway } from './create-gateway.js';
export type { Gateway, GatewayDeps } from './create-gateway.js';
export { GatewayMetrics } from './gateway-metrics.js';
export {
  AttemptResult,
  FailoverReason,
  SelectOutcome,
  StatusClass,
  failoverReason,
  statusClass,
} from './metric-labels.js';
export { createApp } from './app.js';
export type { AppParts } from './app.js';

// Session stickiness (README, "Session stickiness").
export { anthropicSessionHash } from './session/anthropic-session.js';
export { openAiSessionHash } from './session/openai-session.js';
export { geminiSessionHash } from './session/gemini-session.js';
export { SessionSource, sessionDigest } from './session/session-digest.js';

// Upstream errors → account state.
export { StateReason, decideAccountState } from './accounts/account-state-decision.js';
export type {
  AccountStateChange,
  AccountStatePolicy,
  UpstreamErrorObservation,
} from './accounts/account-state-decision.js';
export { parseOpenAiDuration, rateLimitResetAt } from './accounts/rate-limit-reset.js';
export type { UpstreamHeaders } from './accounts/rate-limit-reset.js';
export { compileErrorRules, matchErrorRule } from './accounts/upstream-error-rule.js';
export type { CompiledErrorRule } from './accounts/upstream-error-rule.js';
export { AccountStateReporter } from './accounts/account-state-reporter.js';
export type { AccountStateReporterOptions } from './accounts/account-state-reporter.js';

// Upstream adapters and answer readers.
export { Endpoint, endpointFormat, isModelListing } from './upstreams/endpoint.js';
export { adapterFor, readerFor } from './upstreams/adapters.js';
export { upstreamBody } from './upstreams/upstream-body.js';
export type { BodyInput } from './upstreams/upstream-body.js';
export { UnsupportedEndpointError } from './upstreams/upstream-target.js';
export type {
  ClientHeaders,
  UpstreamAdapter,
  UpstreamCall,
  UpstreamTarget,
} from './upstreams/upstream-target.js';
export type { ResponseFacts, ResponseReader } from './upstreams/response-reader.js';
export type { TokenUsage } from './upstreams/token-usage.js';
export { UpstreamClient } from './upstreams/upstream-client.js';
export type { UpstreamClientOptions } from './upstreams/upstream-client.js';

// Credentials.
export { CredentialFormatError, parseCredentials } from './credentials/account-credentials.js';
export type {
  AccountCredentials,
  ApiKeyCredentials,
  OAuthCredentials,
} from './credentials/account-credentials.js';
export type { UpstreamAccount } from './credentials/upstream-account.js';
export { AccountGoneError, AccountStore } from './credentials/account-store.js';
export type { AccountStoreOptions } from './credentials/account-store.js';
export { OAuthRefresher } from './credentials/oauth-refresher.js';
export type {
  OAuthAccountCredentials,
  OAuthRefresherOptions,
} from './credentials/oauth-refresher.js';
export { OAuthRefreshError } from './credentials/oauth-refresh-error.js';

// Relay.
export { Relay } from './relay/relay.js';
export type { RelayDeps } from './relay/relay.js';
export type { RelayRequest } from './relay/relay-request.js';
export { acquireAccount } from './relay/acquire-account.js';
export { SessionLeases } from './relay/session-leases.js';
export { LeaseSlotStock, DEFAULT_LEASE_SLOT_STOCK_TUNING } from './relay/lease-slot-stock.js';
export type { LeaseSlotStockOptions, LeaseSlotStockTuning } from './relay/lease-slot-stock.js';
export type { HeldLease } from './relay/session-leases.js';
export { ClientGone, ClientGoneError, onAbort } from './relay/client-signal.js';
export type { ClientSignal } from './relay/client-signal.js';
export type {
  AccountSelector,
  AcquiredAccount,
  SelectObserver,
  WaitObserver,
} from './relay/acquire-account.js';
export { isFailoverStatus, maxSwitchesFor } from './relay/failover-policy.js';
export type { SwitchLimits } from './relay/failover-policy.js';
export { selectFailure } from './relay/scheduler-errors.js';
export { errorForLastFailure } from './relay/final-error.js';
export { JetStreamRequestEvents } from './relay/usage-events.js';
export type { RequestEvents } from './relay/usage-events.js';
export { EndOfTurn } from './relay/end-of-turn.js';
export { AsyncAckPublisher } from './relay/async-ack-publisher.js';
export type { AsyncAckPublisherOptions } from './relay/async-ack-publisher.js';
export { ReportPublisher } from './relay/report-publisher.js';
export type { ReportSink } from './relay/report-publisher.js';

// Client errors, auth and admin (engineer A's parts), through the same entry.
export {
  CLIENT_FORMATS,
  ClientFormat,
  GATEWAY_ERROR_SPECS,
  GatewayError,
  GatewayErrorCode,
  clientErrorResponse,
  formatForPath,
  isGatewayError,
  sendClientError,
  toGatewayError,
} from './errors/index.js';
export type { ErrorResponse, GatewayErrorOptions, GatewayErrorSpec } from './errors/index.js';
