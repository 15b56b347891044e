import type { RpcError, RpcReply } from './messages/rpc-reply.js';
import type { RpcErrorCode } from './rpc-error-code.js';

/** The responder answered with `{ ok: false }`; carries its code and retry advice. */
export class RpcReplyError extends Error {
  override readonly name = 'RpcReplyError';
  readonly code: RpcErrorCode;
  readonly retryable: boolean;

  constructor(error: RpcError, options?: { cause?: unknown }) {
    super(error.message, options);
    this.code = error.code;
    this.retryable = error.retryable;
  }
}

/** The reply's data, or throws RpcReplyError for an error reply. */
export function unwrapReply<T>(reply: RpcReply<T>): T {
  if (reply.ok) return reply.data;
  throw new RpcReplyError(reply.error);
}
