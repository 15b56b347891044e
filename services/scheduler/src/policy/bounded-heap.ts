/**
 * Ranking of load-balance candidates: higher score first; ties broken by lower priority number,
 * lower load rate, fewer waiting, lower id — so the order is total and deterministic.
 */
export type RankKey = {
  readonly score: number;
  readonly priority: number;
  readonly loadRate: number;
  readonly waiting: number;
  readonly id: number;
};

/** Negative when `a` ranks before `b`; a comparator for `Array.prototype.sort`. */
export function compareRanked(a: RankKey, b: RankKey): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.priority !== b.priority) return a.priority - b.priority;
  if (a.loadRate !== b.loadRate) return a.loadRate - b.loadRate;
  if (a.waiting !== b.waiting) return a.waiting - b.waiting;
  return a.id - b.id;
}

/** Rank keys stored column by column: row r's key is (score[r], priority[r], …, id[r]). */
export type RankColumns = {
  readonly score: Float64Array;
  readonly priority: Float64Array;
  readonly loadRate: Float64Array;
  readonly waiting: Float64Array;
  readonly id: Float64Array;
};

/**
 * Keeps the K best-ranked rows of `RankColumns` in O(n log K) time and O(K) memory.
 *
 * A binary heap of row numbers whose root is the worst row kept: a newcomer that does not beat
 * the root is rejected with one comparison, the fate of almost every row once the heap is full.
 * The heap reads keys straight from the columns and `offer` takes a small-integer row number, so
 * the hot loop allocates nothing, calls no comparator closure and passes no floating-point
 * argument (which V8 would have to box on any call it does not inline).
 */
export class TopKHeap {
  readonly #capacity: number;
  readonly #columns: RankColumns;
  readonly #rows: Int32Array;
  #size = 0;

  /** `capacity` below 1 (or not a number) is taken as 1: a policy always needs a best row. */
  constructor(capacity: number, columns: RankColumns) {
    this.#capacity = capacity >= 1 ? Math.floor(capacity) : 1;
    this.#columns = columns;
    this.#rows = new Int32Array(this.#capacity);
  }

  get capacity(): number {
    return this.#capacity;
  }

  get size(): number {
    return this.#size;
  }

  /**
   * The worst row kept once the heap is full (a newcomer must rank before it to get in), or −1
   * while there is still room.
   */
  worst(): number {
    return this.#size < this.#capacity ? -1 : this.#rows[0];
  }

  /** Keeps `row` if it is among the K best offered so far; returns whether it was kept. */
  offer(row: number): boolean {
    const rows = this.#rows;
    if (this.#size < this.#capacity) {
      const slot = this.#size++;
      rows[slot] = row;
      this.#siftUp(slot);
      return true;
    }
    if (!this.#ranksBefore(row, rows[0])) return false;
    rows[0] = row;
    this.#siftDown(0);
    return true;
  }

  /** Empties the heap and returns its rows best first. */
  drain(): number[] {
    const rows = this.#rows;
    const best = new Array<number>(this.#size);
    for (let out = this.#size - 1; out >= 0; out--) {
      best[out] = rows[0];
      const last = --this.#size;
      if (last > 0) {
        rows[0] = rows[last];
        this.#siftDown(0);
      }
    }
    return best;
  }

  // Whether row `a` ranks strictly before row `b` (compareRanked(a, b) < 0).
  #ranksBefore(a: number, b: number): boolean {
    const { score, priority, loadRate, waiting, id } = this.#columns;
    if (score[a] !== score[b]) return score[a] > score[b];
    if (priority[a] !== priority[b]) return priority[a] < priority[b];
    if (loadRate[a] !== loadRate[b]) return loadRate[a] < loadRate[b];
    if (waiting[a] !== waiting[b]) return waiting[a] < waiting[b];
    return id[a] < id[b];
  }

  // Heap order: every parent ranks after its children, so the root is the worst row kept.
  #siftUp(start: number): void {
    const rows = this.#rows;
    let child = start;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.#ranksBefore(rows[parent], rows[child])) return;
      const swap = rows[child];
      rows[child] = rows[parent];
      rows[parent] = swap;
      child = parent;
    }
  }

  #siftDown(start: number): void {
    const rows = this.#rows;
    const size = this.#size;
    let parent = start;
    for (;;) {
      const left = 2 * parent + 1;
      if (left >= size) return;
      const right = left + 1;
      const worse = right < size && this.#ranksBefore(rows[left], rows[right]) ? right : left;
      if (!this.#ranksBefore(rows[parent], rows[worse])) return;
      const swap = rows[worse];
      rows[worse] = rows[parent];
      rows[parent] = swap;
      parent = worse;
    }
  }
}
