import { GATEWAY_ERROR_SPECS } from './gateway-error-code.js';
import type { GatewayErrorCode } from './gateway-error-code.js';

export type GatewayErrorOptions = {
  readonly cause?: unknown;
  /** Overrides the code's status, e.g. to pass an upstream 4xx through unchanged. */
  readonly httpStatus?: number;
  /** The request field at fault (OpenAI `param`), e.g. `model` or `messages.0.content`. */
  readonly param?: string;
  /**
   * Finer reason than the code, for ops records and tests (e.g. `key_expired`,
   * `key_rpm_limit`). Never sent to the client as a type name.
   */
  readonly reason?: string;
  /**
   * The refusal comes from our own limits (key quota, key concurrency / RPM), not from a
   * client mistake or a provider failure; ops records it as business-limited.
   */
  readonly businessLimited?: boolean;
  /** Seconds after which a retry may succeed; sent as `retry-after`. */
  readonly retryAfterSeconds?: number;
  /** Overrides whether a retry can help (default: the code's, or the overriding status's). */
  readonly retryable?: boolean;
};

/**
 * Whether a retry can help a request answered with `status`, by the rule the Anthropic and
 * OpenAI SDKs apply themselves: timeouts, conflicts, rate limits and server errors.
 */
function retryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * An error the gateway answers a client with. Everything a route or middleware throws is
 * turned into one of these (unknown errors become `internal`), then written in the client's
 * own format by `sendClientError`. The message is shown to the client: never put secrets,
 * hashes or internal addresses in it.
 */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly code: GatewayErrorCode;
  readonly httpStatus: number;
  readonly retryable: boolean;
  readonly param: string | undefined;
  readonly reason: string | undefined;
  readonly businessLimited: boolean;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: GatewayErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const spec = GATEWAY_ERROR_SPECS[code];
    this.code = code;
    this.httpStatus = options.httpStatus ?? spec.httpStatus;
    // A status passed through from upstream (say a 400) decides for itself: retrying a
    // request the upstream refused as malformed cannot help, whatever our code says.
    this.retryable =
      options.retryable ??
      (options.httpStatus === undefined ? spec.retryable : retryableStatus(options.httpStatus));
    this.param = options.param;
    this.reason = options.reason;
    this.businessLimited = options.businessLimited ?? false;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}
