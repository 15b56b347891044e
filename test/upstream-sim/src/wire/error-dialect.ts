import type { OutgoingHeaders } from '../http/reply.js';

/** Optional detail for an error body. */
export interface ErrorDetail {
  readonly code?: string;
  readonly param?: string;
  readonly resetAfterSeconds?: number;
}

/** How one vendor writes its errors: body shape, ids, and its rate-limit reset headers. */
export interface ErrorDialect {
  readonly name: string;
  /** Headers on every answer, errors included (request ids). */
  requestHeaders(): OutgoingHeaders;
  defaultMessage(status: number): string;
  errorBody(
    status: number,
    message: string,
    detail: ErrorDetail,
    headers: OutgoingHeaders,
  ): unknown;
  /** Headers a 429 carries, telling when the limit resets. */
  resetHeaders(resetAfterSeconds: number, nowMs: number): OutgoingHeaders;
}
