import type { IncomingHttpHeaders } from 'node:http';
import type { Behaviour } from '../core/behaviour.js';
import type { SimState } from '../core/sim-state.js';
import type { JsonReply, Reply } from '../http/reply.js';
import type { ErrorDialect } from '../wire/error-dialect.js';

/** Where a vendor looks for the credential. */
export const AuthStyle = {
  /** `x-api-key`, else `Authorization: Bearer` (OAuth). */
  Anthropic: 'anthropic',
  /** `Authorization: Bearer`. */
  OpenAI: 'openai',
  /** `x-goog-api-key`, else `?key=`, else `Authorization: Bearer`. */
  Gemini: 'gemini',
} as const;
export type AuthStyle = (typeof AuthStyle)[keyof typeof AuthStyle];

/** The request as routed. */
export interface CallTarget {
  readonly path: string;
  readonly query: URLSearchParams;
  /** The model named in the path (Gemini `models/{model}:method`), if any. */
  readonly pathModel: string | null;
  readonly headers: IncomingHttpHeaders;
}

export interface RespondContext {
  /** The credential whose behaviour applies. */
  readonly credential: string;
  readonly behaviour: Behaviour;
  readonly state: SimState;
  readonly nowMs: number;
}

/** A request that parsed; `respond` builds the answer once no fault intervened. */
export interface ParsedCall {
  readonly model: string | null;
  readonly stream: boolean;
  respond(context: RespondContext): Reply;
}

/** One vendor route. `parse` returns a JsonReply for a request the vendor would refuse (400). */
export interface Endpoint {
  readonly name: string;
  readonly dialect: ErrorDialect;
  readonly auth: AuthStyle;
  parse(body: unknown, target: CallTarget): ParsedCall | JsonReply;
}
