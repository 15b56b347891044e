import { z } from 'zod';
import { DEFAULT_RETRYABLE, RpcErrorCode } from '../rpc-error-code.js';

export const rpcErrorSchema = z.object({
  code: z.enum(RpcErrorCode),
  message: z.string(),
  retryable: z.boolean(),
});

export type RpcError = z.output<typeof rpcErrorSchema>;

/** Every RPC reply: the data, or a typed error. Never a bare payload, never a crash. */
export type RpcReply<T> = { ok: true; data: T } | { ok: false; error: RpcError };

/** Schema for replies whose success data matches `dataSchema`. */
export function rpcReplySchema<S extends z.ZodType>(dataSchema: S) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), data: dataSchema }),
    z.object({ ok: z.literal(false), error: rpcErrorSchema }),
  ]);
}

export function okReply<T>(data: T): { ok: true; data: T } {
  return { ok: true, data };
}

/** An error reply; `retryable` defaults per code (see DEFAULT_RETRYABLE). */
export function errorReply(
  code: RpcErrorCode,
  message: string,
  retryable: boolean = DEFAULT_RETRYABLE[code],
): { ok: false; error: RpcError } {
  return { ok: false, error: { code, message, retryable } };
}
