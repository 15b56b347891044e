/**
 * A point in time as milliseconds since the Unix epoch. Plain numbers (not Date) so that
 * accounts travel through JSON, Redis and NATS unchanged and compare with `<` on the hot path.
 */
export type EpochMs = number;
