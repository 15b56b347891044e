import { ErrorOwner, OpsErrorPhase } from '@switchyard/contracts';
import type { AuthContext } from '../auth/index.js';
import type { GatewayError } from '../errors/index.js';
import type { RequestEvents } from './usage-events.js';

/** A request refused before it was routed. */
export type Rejection = {
  readonly requestId: string;
  readonly error: GatewayError;
  /** The status the client got. */
  readonly status: number;
  /** `auth` for key refusals, `routing` for bad input. */
  readonly phase: 'auth' | 'routing';
  /** Known once the key was accepted. */
  readonly auth?: AuthContext | undefined;
  readonly isCountTokens: boolean;
};

/**
 * Records requests refused before routing (bad key, key limits, bad input) as `ops.v1.error`,
 * so every request the gateway answered has a record. No platform: none was chosen yet. Our
 * own quota and rate refusals are business-limited; a key or input problem is the client's;
 * a dependency of ours failing is the platform's.
 */
export function recordRejection(events: RequestEvents, r: Rejection): void {
  const owner =
    r.error.code === 'service_unavailable' || r.error.code === 'internal'
      ? ErrorOwner.Platform
      : ErrorOwner.Client;
  events.error({
    requestId: r.requestId,
    attemptId: `${r.requestId}:0`,
    phase: r.phase === 'auth' ? OpsErrorPhase.Auth : OpsErrorPhase.Routing,
    statusCode: r.status,
    upstreamStatusCode: null,
    errorOwner: owner,
    isBusinessLimited: r.error.businessLimited,
    isCountTokens: r.isCountTokens,
    platform: null,
    groupId: r.auth?.groupId ?? null,
    accountId: null,
    apiKeyId: r.auth?.apiKeyId ?? null,
    retryCount: 0,
    message: r.error.message.slice(0, 500),
    occurredAt: Date.now(),
  });
}
