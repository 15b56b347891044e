/** The command line is wrong; the CLI prints the message with the usage and exits 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
  readonly code = 'cli_usage' as const;
  readonly retryable = false;
}
