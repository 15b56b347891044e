import { createHash, randomBytes } from 'node:crypto';

export type GeneratedApiKey = {
  /** The full key: shown to the user once, never stored or logged. */
  readonly key: string;
  /** The visible start of the key (prefix plus a few characters), stored for display. */
  readonly keyPrefix: string;
  /** SHA-256 hex of the key: what the database stores and looks keys up by. */
  readonly keyHash: string;
};

export const DEFAULT_API_KEY_PREFIX = 'sk-sy-';
// 32 random bytes = 256 bits: a plain (unsalted) SHA-256 is then safe to store, because the
// key is not guessable and so the hash cannot be brute-forced back.
const KEY_RANDOM_BYTES = 32;
// Enough characters after the prefix to tell keys apart in a list, far too few to matter.
const VISIBLE_RANDOM_CHARS = 4;

/** SHA-256 hex of an API key, as stored in `api_keys.key_hash`. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new random API key with its display prefix and hash. */
export function generateApiKey(prefix: string = DEFAULT_API_KEY_PREFIX): GeneratedApiKey {
  const key = prefix + randomBytes(KEY_RANDOM_BYTES).toString('base64url');
  return {
    key,
    keyPrefix: key.slice(0, prefix.length + VISIBLE_RANDOM_CHARS),
    keyHash: hashApiKey(key),
  };
}
