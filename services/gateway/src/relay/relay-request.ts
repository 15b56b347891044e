import type { Platform } from '@switchyard/domain';
import type { AuthContext } from '../auth/index.js';
import type { ClientFormat } from '../errors/index.js';
import type { Endpoint } from '../upstreams/endpoint.js';
import type { ClientHeaders } from '../upstreams/upstream-target.js';

/** One client request as the routes hand it to the relay: parsed once, nothing left to read. */
export type RelayRequest = {
  readonly requestId: string;
  readonly endpoint: Endpoint;
  readonly format: ClientFormat;
  /** The platform asked of the scheduler (the key's group's, or antigravity on its routes). */
  readonly platform: Platform;
  /** The route pinned the platform (`/antigravity/…`): no mixed scheduling. */
  readonly forcePlatform: boolean;
  /** The requested model; undefined for model listings. */
  readonly model: string | undefined;
  readonly stream: boolean;
  /** The answer is SSE (every stream except Gemini's JSON-array one). */
  readonly sse: boolean;
  readonly body: Readonly<Record<string, unknown>> | undefined;
  /** The body's bytes as received, relayed unchanged when nothing needs rewriting. */
  readonly rawBody: Buffer | undefined;
  readonly clientHeaders: ClientHeaders;
  readonly sessionHash: string | undefined;
  readonly previousResponseId: string | undefined;
  readonly auth: AuthContext;
  /** performance.now() when the request arrived: durations are measured from here. */
  readonly startedAt: number;
};
