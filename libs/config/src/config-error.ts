/** One variable that failed validation, and why. */
export interface ConfigProblem {
  /** The environment variable, e.g. `SCHED_TOP_K`. */
  readonly variable: string;
  /** A full sentence naming the variable, e.g. `SCHED_TOP_K must be an integer >= 1 (got "abc")`. */
  readonly message: string;
}

/**
 * Start-up configuration is invalid. Every offending variable is named in the message (not only
 * the first), so one failed start is enough to fix them all.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'config_invalid';
  /** Retrying with the same environment fails the same way. */
  readonly retryable = false;
  /** The offending variables, in the order they are declared. */
  readonly variables: readonly string[];
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[], options?: { cause?: unknown }) {
    super(`invalid configuration: ${problems.map((p) => p.message).join('; ')}`, options);
    this.problems = problems;
    this.variables = problems.map((p) => p.variable);
  }
}
