/**
 * A permutation of `scores`' indices drawn by weighted sampling without replacement, with
 * weight = score − min(scores) + 1: the best finalist is the likeliest first pick, yet the worst
 * keeps a weight of 1, so concurrent requests spread over the K finalists instead of piling
 * onto one account before its load shows up in the next decision.
 *
 * Uses `rng` exactly `scores.length − 1` times (the last pick is forced), so a fixed seed gives
 * a fixed order. O(K²), which is nothing for K ≈ 7.
 */
export function weightedOrder(scores: readonly number[], rng: () => number): number[] {
  const count = scores.length;
  let min = Infinity;
  for (const score of scores) if (score < min) min = score;
  const pool: number[] = [];
  const weights: number[] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const weight = scores[i] - min + 1;
    pool.push(i);
    weights.push(weight);
    total += weight;
  }
  const order: number[] = [];
  while (pool.length > 1) {
    let target = rng() * total;
    let pick = pool.length - 1; // guards against float round-off leaving target ≥ the last sum
    for (let j = 0; j < pool.length; j++) {
      target -= weights[j];
      if (target < 0) {
        pick = j;
        break;
      }
    }
    order.push(pool[pick]);
    total -= weights[pick];
    pool.splice(pick, 1);
    weights.splice(pick, 1);
  }
  if (pool.length === 1) order.push(pool[0]);
  return order;
}
