import { randomBytes } from 'node:crypto';
import { BoundedMap } from './bounded-map.js';

/** Tokens minted by one refresh. */
export interface MintedTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: number;
}

/** What a presented bearer token stands for. */
export type TokenResolution =
  | { readonly kind: 'credential'; readonly credential: string }
  | { readonly kind: 'expired'; readonly credential: string };

// 100,000 tokens: far above any test or benchmark, small enough to never matter for memory.
const CAPACITY = 100_000;

function token(prefix: string): string {
  return `${prefix}${randomBytes(18).toString('base64url')}`;
}

/**
 * OAuth tokens the sim minted. Every token maps to a root credential: the configured refresh
 * token the chain started from, whose behaviour then applies to the access tokens.
 */
export class OAuthTokens {
  readonly #access = new BoundedMap<string, { credential: string; expiresAt: number }>(CAPACITY);
  readonly #refresh = new BoundedMap<string, string>(CAPACITY);
  /** Configured refresh tokens already spent under single-use rotation. */
  readonly #spentRoots = new Set<string>();

  /** The root credential of a refresh token the sim minted, or undefined. */
  rootOfMinted(refreshToken: string): string | undefined {
    return this.#refresh.get(refreshToken);
  }

  isSpentRoot(refreshToken: string): boolean {
    return this.#spentRoots.has(refreshToken);
  }

  /** Spends a refresh token under single-use rotation. */
  spend(refreshToken: string, root: string): void {
    if (refreshToken === root) this.#spentRoots.add(root);
    else this.#refresh.delete(refreshToken);
  }

  mint(root: string, ttlSeconds: number, nowMs: number): MintedTokens {
    const accessToken = token('sim-at-');
    const refreshToken = token('sim-rt-');
    this.#access.set(accessToken, { credential: root, expiresAt: nowMs + ttlSeconds * 1000 });
    this.#refresh.set(refreshToken, root);
    return { accessToken, refreshToken, expiresIn: ttlSeconds };
  }

  /** A presented credential: a minted access token maps to its root, anything else to itself. */
  resolve(presented: string, nowMs: number): TokenResolution {
    const minted = this.#access.get(presented);
    if (minted === undefined) return { kind: 'credential', credential: presented };
    if (nowMs >= minted.expiresAt) return { kind: 'expired', credential: minted.credential };
    return { kind: 'credential', credential: minted.credential };
  }

  /** Forgets the spent state of a root, e.g. when its credential is reset. */
  forgetRoot(root: string): void {
    this.#spentRoots.delete(root);
  }

  clear(): void {
    this.#access.clear();
    this.#refresh.clear();
    this.#spentRoots.clear();
  }
}
