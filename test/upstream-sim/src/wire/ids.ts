import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// Ids draw from a pooled random buffer: a randomBytes call per id cost more CPU than the rest
// of a request in the benchmark profile.
const POOL_SIZE = 16 * 1024;
let pool = randomBytes(POOL_SIZE);
let offset = 0;

/** A random base62 id with a vendor prefix (`msg_01…`, `resp_…`, `chatcmpl-…`). */
export function randomId(prefix: string, length = 24): string {
  if (offset + length > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  let out = prefix;
  for (let i = 0; i < length; i += 1) out += ALPHABET[pool[offset + i]! % ALPHABET.length];
  offset += length;
  return out;
}
