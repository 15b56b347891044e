/** One reason a message failed validation; `path` locates the field ([] for the whole body). */
export type MessageIssue = {
  readonly path: readonly (string | number)[];
  readonly code: string;
  readonly message: string;
};

/**
 * A message that is not valid JSON or does not match its schema. Never retryable: the same
 * bytes will fail again, so events are dead-lettered and RPCs answered with `invalid_request`.
 */
export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
  readonly code = 'malformed_message';
  readonly retryable = false;
  readonly issues: readonly MessageIssue[];

  constructor(message: string, issues: readonly MessageIssue[], options?: { cause?: unknown }) {
    super(message, options);
    this.issues = issues;
  }
}
