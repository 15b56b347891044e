/** One rejected field of an admin request. */
export type AdminIssue = {
  /** Dotted path of the field, e.g. `credentials.apiKey`; empty for the body as a whole. */
  readonly path: string;
  readonly message: string;
};

/** An admin request failed validation; answered 400 with every rejected field. */
export class AdminValidationError extends Error {
  override readonly name = 'AdminValidationError';
  readonly code = 'invalid_request' as const;
  readonly retryable = false;
  readonly issues: readonly AdminIssue[];

  constructor(issues: readonly AdminIssue[], options?: { cause?: unknown }) {
    super(
      issues.map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`)).join('; '),
      options,
    );
    this.issues = issues;
  }
}
