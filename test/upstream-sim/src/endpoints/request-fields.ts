import type { JsonReply } from '../http/reply.js';
import type { ErrorDialect } from '../wire/error-dialect.js';
import { errorReply } from '../wire/error-reply.js';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function badRequest(dialect: ErrorDialect, message: string, param?: string): JsonReply {
  return errorReply(dialect, 400, 0, param === undefined ? { message } : { message, param });
}

/** A positive integer limit, or null when absent or not a number. */
export function limitOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1
    ? Math.floor(value)
    : null;
}

/** Seconds since the epoch, as vendors write `created`. */
export function epochSeconds(nowMs: number): number {
  return Math.floor(nowMs / 1000);
}
