import type { JsMsg } from '@nats-io/jetstream';
import type { BusLogger } from './bus-logger.js';
import { describeError } from './bus-logger.js';
import { rawOf } from './message-meta.js';
import type { BusMalformedMessageError } from './bus-errors.js';
import type { RawMessage } from './raw-message.js';

/** Where a consumer hands a message it cannot decode (e.g. a dead-letter table). */
export type OnMalformed = (
  raw: RawMessage,
  reason: BusMalformedMessageError,
) => Promise<void> | void;

/**
 * Dead-letters a message that can never be processed: hands it to `onMalformed`, then
 * terminates it so the server never redelivers it and the stream keeps moving. If parking
 * fails (say the dead-letter table is unreachable) the message is nak'd instead, to be parked
 * on a later delivery rather than lost.
 */
export async function parkMalformed(
  msg: JsMsg,
  reason: BusMalformedMessageError,
  onMalformed: OnMalformed | undefined,
  logger: BusLogger,
  nakDelayMs: number,
): Promise<void> {
  logger.warn('malformed message', { subject: msg.subject, seq: msg.seq, reason: reason.message });
  try {
    await onMalformed?.(rawOf(msg), reason);
  } catch (err) {
    logger.error('parking a malformed message failed', { seq: msg.seq, error: describeError(err) });
    msg.nak(nakDelayMs);
    return;
  }
  // No reason text: nats-server 2.9 only recognises a bare "+TERM".
  msg.term();
}
