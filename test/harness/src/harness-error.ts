/** Why the harness could not give a test the server it asked for. */
export const HarnessErrorCode = {
  /** The server binary is not installed; `deploy/local/ensure-binaries.sh` installs it. */
  BinaryNotFound: 'binary_not_found',
  /** The port was taken between picking it and the server binding it. */
  PortInUse: 'port_in_use',
  /** The server exited before it answered. */
  ExitedEarly: 'exited_early',
  /** The server did not answer within the start timeout. */
  StartTimeout: 'start_timeout',
  /** A helper program (initdb, id) failed. */
  CommandFailed: 'command_failed',
  /** A database name that is not a plain lower-case identifier. */
  InvalidName: 'invalid_name',
} as const;
export type HarnessErrorCode = (typeof HarnessErrorCode)[keyof typeof HarnessErrorCode];

/** A server the harness manages could not be started or prepared. */
export class HarnessError extends Error {
  override readonly name = 'HarnessError';
  readonly code: HarnessErrorCode;
  /** Only a port race is worth another try (on a new port); the rest fail the same way again. */
  readonly retryable: boolean;

  constructor(code: HarnessErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.retryable = code === HarnessErrorCode.PortInUse;
  }
}
