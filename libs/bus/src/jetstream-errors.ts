import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';

/** True for the JetStream API's "stream not found" / "consumer not found" answers. */
export function isNotFound(err: unknown): boolean {
  return (
    err instanceof JetStreamApiError &&
    (err.code === JetStreamApiCodes.StreamNotFound ||
      err.code === JetStreamApiCodes.ConsumerNotFound)
  );
}
