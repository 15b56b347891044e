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
  for (let i = 0; i < count; i++) if (scores[i] < min) min = scores[i];
  // One array is both the answer and the pool: the first `drawn` entries are the picks in
  // order, the rest the undrawn indices in their original order, with their weights beside
  // them. A pick moves to the front of the pool and the entries it passes shift one place
  // along, so nothing is allocated per pick (this runs on every load-balanced select).
  const order = new Array<number>(count);
  const weights = new Array<number>(count);
  let total = 0;
  for (let i = 0; i < count; i++) {
    const weight = scores[i] - min + 1;
    order[i] = i;
    weights[i] = weight;
    total += weight;
  }
  for (let drawn = 0; drawn < count - 1; drawn++) {
    let target = rng() * total;
    let pick = count - 1; // guards against float round-off leaving target ≥ the last sum
    for (let j = drawn; j < count; j++) {
      target -= weights[j];
      if (target < 0) {
        pick = j;
        break;
      }
    }
    const index = order[pick];
    const weight = weights[pick];
    for (let j = pick; j > drawn; j--) {
      order[j] = order[j - 1];
      weights[j] = weights[j - 1];
    }
    order[drawn] = index;
    weights[drawn] = weight;
    total -= weight;
  }
  return order;
}
