import type { Redis } from 'ioredis';

// 10,000 keys per SCAN step: a full rebuild walks ~10k+ keys in a couple of round trips, and
// one step still costs Redis only a millisecond or two.
const SCAN_COUNT = 10_000;

/**
 * Walks the keyspace with SCAN for keys shaped `<head><part><tail>` and returns each distinct
 * `part`. For rebuild-time listings (snapshot buckets, account records), never a request path.
 */
export async function scanKeyParts(redis: Redis, head: string, tail: string): Promise<string[]> {
  const pattern = `${escapeGlob(head)}*${escapeGlob(tail)}`;
  const parts = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
    cursor = next;
    for (const key of keys) {
      if (key.length > head.length + tail.length && key.startsWith(head) && key.endsWith(tail)) {
        parts.add(key.slice(head.length, key.length - tail.length));
      }
    }
  } while (cursor !== '0');
  return [...parts];
}

/** Splits a key built with `placeholder` as one part into what comes before and after it. */
export function splitKeyTemplate(key: string, placeholder: string): [string, string] {
  const at = key.indexOf(placeholder);
  return [key.slice(0, at), key.slice(at + placeholder.length)];
}

// Redis MATCH patterns treat * ? [ ] and backslash specially; key prefixes may contain them.
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
