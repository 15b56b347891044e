/** A string that is not `g<groupId>:<platform>:<mode>`, or a bucket with an impossible part. */
export class InvalidBucketKeyError extends Error {
  override readonly name = 'InvalidBucketKeyError';
  readonly code = 'invalid_bucket_key';
  /** The same input will fail again. */
  readonly retryable = false;
  readonly input: string;

  constructor(input: string, reason: string, options?: { cause?: unknown }) {
    super(`invalid bucket key ${JSON.stringify(input)}: ${reason}`, options);
    this.input = input;
  }
}
