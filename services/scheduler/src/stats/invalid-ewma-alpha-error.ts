/** The EWMA smoothing factor must lie in (0, 1]; anything else would freeze or diverge. */
export class InvalidEwmaAlphaError extends Error {
  override readonly name = 'InvalidEwmaAlphaError';
  readonly code = 'invalid_ewma_alpha';
  readonly retryable = false;
  readonly alpha: number;

  constructor(alpha: number) {
    super(`EWMA alpha must be a number in (0, 1], got ${String(alpha)}`);
    this.alpha = alpha;
  }
}
