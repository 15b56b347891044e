import type { SelectRequest } from '@switchyard/contracts';
import { seededRandom } from '@switchyard/domain';

// FNV-1a 32-bit parameters (http://www.isthe.com/chongo/tech/comp/fnv/).
const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
// Mixed in between fields so that ("ab", "c") and ("a", "bc") hash apart.
const FIELD_SEPARATOR = 0x1f;
const ABSENT = 0x00;

/**
 * A 32-bit seed for the weighted draw of one request. Requests of the same session (or the same
 * response chain) in the same group and model get the same seed, so their load-balance draws
 * agree across retries and replicas whenever the inputs agree. `timeEntropy` (e.g. the clock or a
 * counter) only enters when there is neither a session hash nor a previous response id: without a
 * session anchor, identical anonymous requests must not all draw the same order.
 */
export function requestSeed(
  request: Pick<SelectRequest, 'sessionHash' | 'previousResponseId' | 'model' | 'groupId'>,
  timeEntropy: number,
): number {
  let hash = FNV_OFFSET_BASIS;
  hash = mixString(hash, request.sessionHash);
  hash = mixString(hash, request.previousResponseId);
  hash = mixString(hash, request.model);
  hash = mixNumber(hash, request.groupId);
  if (request.sessionHash === undefined && request.previousResponseId === undefined) {
    hash = mixNumber(hash, timeEntropy);
  }
  return finalize(hash);
}

/** The weighted draw's PRNG (mulberry32, see @switchyard/domain's seededRandom). */
export const seededRng: (seed: number) => () => number = seededRandom;

// FNV-1a over UTF-16 code units (two octets each), then a separator.
function mixString(hash: number, value: string | undefined): number {
  let h = hash;
  if (value === undefined) {
    h = Math.imul(h ^ ABSENT, FNV_PRIME);
  } else {
    for (let i = 0; i < value.length; i++) {
      const unit = value.charCodeAt(i);
      h = Math.imul(h ^ (unit & 0xff), FNV_PRIME);
      h = Math.imul(h ^ (unit >>> 8), FNV_PRIME);
    }
  }
  return Math.imul(h ^ FIELD_SEPARATOR, FNV_PRIME);
}

// Both 32-bit halves of a (possibly > 2^32 or fractional) number, octet by octet.
function mixNumber(hash: number, value: number): number {
  const whole = Number.isFinite(value) ? Math.floor(value) : 0;
  const low = whole >>> 0;
  const high = Math.floor(whole / 4294967296) >>> 0;
  let h = hash;
  for (const word of [low, high]) {
    for (let shift = 0; shift < 32; shift += 8) {
      h = Math.imul(h ^ ((word >>> shift) & 0xff), FNV_PRIME);
    }
  }
  return Math.imul(h ^ FIELD_SEPARATOR, FNV_PRIME);
}

// murmur3's fmix32: FNV's low bits are weak, and mulberry32 consumes the seed as is.
function finalize(hash: number): number {
  let h = hash >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
