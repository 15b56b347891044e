import type { Platform } from './platform.js';

/**
 * Restricts where a fault applies. Every given field must match. `path` is the request path
 * without query string, matched exactly, or as a prefix when it ends with `*`
 * (`/v1beta/models/*`). Faults without a `path` never apply to `/oauth/token`, so that a
 * rate-limit fault on an account does not also break its token refresh.
 */
export interface FaultScope {
  readonly path?: string;
  readonly model?: string;
  readonly stream?: boolean;
  readonly platform?: Platform;
}

/**
 * How often a fault fires. `times: N` fires on the next N matching requests then stops;
 * `once` is `times: 1`; `probability` fires on each matching request with that chance (with
 * `times`, only fired draws count). Neither given: fires on every matching request.
 */
export interface FaultFrequency {
  readonly times?: number;
  readonly once?: boolean;
  readonly probability?: number;
}

/** Answer with an HTTP error in the vendor's own error shape and headers. */
export interface StatusFault extends FaultScope, FaultFrequency {
  /** 401, 403, 429, 500, 502, 503, 529 are the usual ones; any 400–599 is accepted. */
  readonly status: number;
  /** Replaces the vendor error body. */
  readonly body?: unknown;
  /** Added to (and overriding) the generated headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Seconds until the limit resets; drives retry-after and the vendor reset headers. */
  readonly resetAfterSeconds?: number;
}

/** Destroy the connection (TCP reset) before any response byte. */
export interface ResetBeforeFault extends FaultScope, FaultFrequency {
  readonly kind: 'reset_before';
}

/** Send `afterTokens` text deltas, then close the connection without finishing the response. */
export interface ResetMidStreamFault extends FaultScope, FaultFrequency {
  readonly kind: 'reset_mid_stream';
  readonly afterTokens: number;
}

export type Fault = StatusFault | ResetBeforeFault | ResetMidStreamFault;

/** What the sim does for one credential. */
export interface Behaviour {
  /** Delay before the first response byte, in ms. */
  readonly ttftMs: number;
  /** Delay between two streamed text deltas, in ms (a non-streamed answer waits the sum). */
  readonly interTokenMs: number;
  /** Output length in tokens (one token = one word); a smaller request max_tokens caps it. */
  readonly outputTokens: number;
  /** Share of the input tokens reported as read from the prompt cache (0..1). */
  readonly cachedInputFraction: number;
  /** Answer every API call with the vendor's authentication error. */
  readonly rejectAuth: boolean;
  /** Faults, tried in order; the first that matches and fires is applied. */
  readonly faults: readonly Fault[];
  /** Lifetime of access tokens minted by `POST /oauth/token`. */
  readonly accessTokenTtlSeconds: number;
  /** A refresh token works once (rotation); off by default so naive clients keep working. */
  readonly singleUseRefreshTokens: boolean;
}

export type BehaviourInput = Partial<Behaviour>;

// 16 words: long enough to see streaming, short enough to keep benchmarks about the gateway.
export const DEFAULT_BEHAVIOUR: Behaviour = {
  ttftMs: 0,
  interTokenMs: 0,
  outputTokens: 16,
  cachedInputFraction: 0,
  rejectAuth: false,
  faults: [],
  accessTokenTtlSeconds: 3600,
  singleUseRefreshTokens: false,
};

/** A full behaviour: the input's fields over `base`. */
export function resolveBehaviour(input: BehaviourInput, base: Behaviour): Behaviour {
  return { ...base, ...input };
}
