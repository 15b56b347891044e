export { connectBus } from './connect-bus.js';
export type { Bus, ConnectBusOptions } from './connect-bus.js';
export {
  BusError,
  BusTimeoutError,
  BusNoRespondersError,
  BusRemoteError,
  BusMalformedReplyError,
  BusPublishError,
  BusAbortedError,
  BusConnectionError,
  BusConfigConflictError,
  BusMalformedMessageError,
} from './bus-errors.js';
export type { RemoteErrorBody } from './bus-errors.js';
export type { BusLogger } from './bus-logger.js';
export type { BusSchema, SchemaOutput } from './schema.js';
export { request } from './request.js';
export { ReplyInbox, replyInbox } from './reply-inbox.js';
export type { InboxRequest } from './reply-inbox.js';
export type { RequestOptions } from './request.js';
export { serve, ServeErrorCodes } from './serve.js';
export type {
  ServeOptions,
  ServeHandle,
  ServeStats,
  RequestContext,
  ServeErrorCode,
} from './serve.js';
export type { ReplyEnvelope } from './reply-envelope.js';
export { publish } from './publish.js';
export type { PublishOptions } from './publish.js';
export { subscribe } from './subscribe.js';
export type { SubscribeOptions, SubscribeStats, SubscriptionHandle } from './subscribe.js';
export type { RawMessage } from './raw-message.js';
export { ensureStream } from './ensure-stream.js';
export type { EnsureStreamOptions, EnsureOutcome } from './ensure-stream.js';
export { ensureConsumer, ConsumerStart } from './ensure-consumer.js';
export type { EnsureConsumerOptions } from './ensure-consumer.js';
export { publishDurable } from './publish-durable.js';
export type { PublishDurableOptions, DurableAck } from './publish-durable.js';
export { consume } from './consume.js';
export type { ConsumeOptions, ConsumeStats, ConsumerHandle } from './consume.js';
export { consumeBatches } from './consume-batches.js';
export type { ConsumeBatchesOptions, BatchItem } from './consume-batches.js';
export { consumeBatchStream } from './consume-batch-stream.js';
export type { ConsumeBatchStreamOptions } from './consume-batch-stream.js';
export type { MessageMeta } from './message-meta.js';
export type { OnMalformed } from './park-malformed.js';
export { headersWithTrace, traceContextFromHeaders, injectTrace } from './trace-headers.js';
export type { HeaderValues } from './trace-headers.js';
export { AccountEventPublisher } from './account-event-publisher.js';
export type {
  AccountEventFallback,
  AccountEventInput,
  AccountEventOutcome,
  AccountEventPublisherOptions,
} from './account-event-publisher.js';
export { accountEventFallback } from './account-event-fallback.js';
export type { AccountEventFallbackOptions } from './account-event-fallback.js';
export {
  ACCOUNT_EVENTS_MAX_AGE_MS,
  ensureAccountEventsStream,
} from './ensure-account-events-stream.js';
export { LastUsedBatcher } from './last-used-batcher.js';
export type { LastUsedBatcherOptions } from './last-used-batcher.js';
export {
  SCHEDULER_QUEUE,
  createSchedulerClient,
  schedulerMetricsSubject,
  schedulerReplicaToken,
} from './scheduler-client.js';
export type { SchedulerClient, SchedulerClientOptions, SelectOptions } from './scheduler-client.js';
