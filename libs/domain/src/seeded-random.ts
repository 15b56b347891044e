/**
 * mulberry32: a small, fast PRNG with a 32-bit state, uniform in [0, 1) like Math.random. Not
 * cryptographic. The scheduler draws its weighted candidate order from it (seeded per request,
 * so a draw is reproducible), and property-style tests draw from it so that a failing seed
 * replays exactly.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
