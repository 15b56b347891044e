import type { MsgHdrs } from '@nats-io/transport-node';

/** A message as received, before decoding: what a dead-letter handler parks. */
export interface RawMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: MsgHdrs | undefined;
  /** Stream sequence, for JetStream messages. */
  readonly seq?: number;
  /** How many times JetStream has delivered it, for JetStream messages. */
  readonly deliveryCount?: number;
}
