/** A behaviour, fault or control request that the sim cannot accept. */
export class SimConfigError extends Error {
  override readonly name = 'SimConfigError';
  readonly code = 'invalid_sim_config';
  readonly retryable = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
