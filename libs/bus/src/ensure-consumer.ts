import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { ConsumerConfig, ConsumerInfo, JetStreamManager } from '@nats-io/jetstream';
import { BusConfigConflictError } from './bus-errors.js';
import type { EnsureOutcome } from './ensure-stream.js';
import { isNotFound } from './jetstream-errors.js';

/** Where a new consumer starts in the stream. */
export const ConsumerStart = {
  All: 'all',
  New: 'new',
  Last: 'last',
  LastPerSubject: 'last_per_subject',
} as const;
export type ConsumerStart = (typeof ConsumerStart)[keyof typeof ConsumerStart];

export interface EnsureConsumerOptions {
  readonly durableName: string;
  /** One subject (2.9 has no `filter_subjects` arrays); omit for the whole stream. */
  readonly filterSubject?: string;
  /** How long the server waits for an ack before redelivering. Default 30 s. */
  readonly ackWaitMs?: number;
  /** Deliveries before the server gives up on a message. Default -1: never. */
  readonly maxDeliver?: number;
  /** Default 'all'. Fixed once the consumer exists. */
  readonly deliverPolicy?: ConsumerStart;
  /** Unacked messages in flight at most. Default: the server's (1000). */
  readonly maxAckPending?: number;
}

// 30 s, the NATS default: covers a slow batch insert; a crashed consumer's messages come back
// after it.
const DEFAULT_ACK_WAIT_MS = 30_000;

/**
 * Makes sure a durable pull consumer with explicit acks exists on `stream` with this
 * configuration: creates it, updates what differs, or leaves it alone. Changing the deliver
 * policy of an existing consumer is refused with BusConfigConflictError.
 *
 * maxDeliver defaults to unlimited because `consume` only naks on handler errors, which are
 * transient (Postgres down); dropping a message after N tries would lose a usage record.
 * Malformed messages are terminated explicitly and never redelivered.
 */
export async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  options: EnsureConsumerOptions,
): Promise<EnsureOutcome> {
  const wanted = {
    durable_name: options.durableName,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: options.deliverPolicy ?? DeliverPolicy.All,
    ack_wait: nanos(options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS),
    max_deliver: options.maxDeliver ?? -1,
    ...(options.filterSubject === undefined ? {} : { filter_subject: options.filterSubject }),
    ...(options.maxAckPending === undefined ? {} : { max_ack_pending: options.maxAckPending }),
  } satisfies Partial<ConsumerConfig>;

  const existing = await consumerInfo(jsm, stream, wanted.durable_name);
  if (existing === undefined) {
    try {
      await jsm.consumers.add(stream, wanted);
      return 'created';
    } catch (err) {
      const raced = await consumerInfo(jsm, stream, wanted.durable_name);
      if (raced === undefined) throw err;
      return reconcile(jsm, stream, raced, wanted);
    }
  }
  return reconcile(jsm, stream, existing, wanted);
}

type Wanted = Pick<
  ConsumerConfig,
  'durable_name' | 'ack_policy' | 'deliver_policy' | 'ack_wait' | 'max_deliver'
> &
  Partial<Pick<ConsumerConfig, 'filter_subject' | 'max_ack_pending'>>;

async function reconcile(
  jsm: JetStreamManager,
  stream: string,
  info: ConsumerInfo,
  wanted: Wanted,
): Promise<EnsureOutcome> {
  const have = info.config;
  if (have.deliver_policy !== wanted.deliver_policy || have.ack_policy !== wanted.ack_policy) {
    throw new BusConfigConflictError(
      `consumer ${stream}/${wanted.durable_name} exists with deliver ${have.deliver_policy}, ` +
        `ack ${have.ack_policy}; wanted ${wanted.deliver_policy}, ${wanted.ack_policy}`,
    );
  }
  const same =
    have.ack_wait === wanted.ack_wait &&
    have.max_deliver === wanted.max_deliver &&
    (have.filter_subject ?? '') === (wanted.filter_subject ?? '') &&
    (wanted.max_ack_pending === undefined || have.max_ack_pending === wanted.max_ack_pending);
  if (same) return 'unchanged';
  await jsm.consumers.update(stream, info.name, {
    ack_wait: wanted.ack_wait,
    max_deliver: wanted.max_deliver,
    // Undefined (not '') removes a filter: the client puts the filter into the API subject.
    filter_subject: wanted.filter_subject,
    ...(wanted.max_ack_pending === undefined ? {} : { max_ack_pending: wanted.max_ack_pending }),
  });
  return 'updated';
}

async function consumerInfo(
  jsm: JetStreamManager,
  stream: string,
  durable: string,
): Promise<ConsumerInfo | undefined> {
  try {
    return await jsm.consumers.info(stream, durable);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
