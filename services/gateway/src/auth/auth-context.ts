import type { Platform } from '@switchyard/domain';

/** Who a request is, as `authenticate` leaves it in `res.locals.auth`. */
export type AuthContext = {
  readonly apiKeyId: number;
  readonly apiKeyName: string;
  /** The key's visible prefix (safe to log). */
  readonly keyPrefix: string;
  readonly userId: number | null;
  /** Null for a key without a group. */
  readonly groupId: number | null;
  /** The group's platform, which decides where the request goes; null without a group. */
  readonly groupPlatform: Platform | null;
  /**
   * Frees the key's concurrency slot. Also happens by itself when the response closes, so
   * calling it is only needed to free the slot earlier. Safe to call more than once.
   */
  release(): Promise<void>;
};

/** `res.locals.auth` after `authenticate`; throws when the middleware did not run. */
export function authOf(res: { locals: Record<string, unknown> }): AuthContext {
  const auth = res.locals['auth'] as AuthContext | undefined;
  if (auth === undefined) throw new Error('authOf: authenticate() did not run for this route');
  return auth;
}
