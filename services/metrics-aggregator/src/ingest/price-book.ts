import type { ModelPrice, ModelPrices } from '@switchyard/config';
import type { UsageRecorded } from '@switchyard/contracts';

const PER_MILLION = 1_000_000;

/**
 * The cost of usage records under the operator's price table (`MODEL_PRICES`): a model's price
 * is its exact entry, else the entry of the longest `prefix*` it starts with. Lookups are
 * memoised per model name (a process sees few).
 */
export class PriceBook {
  readonly #exact = new Map<string, ModelPrice>();
  /** `prefix*` entries, longest prefix first. */
  readonly #prefixes: [string, ModelPrice][] = [];
  readonly #found = new Map<string, ModelPrice | null>();

  constructor(prices: ModelPrices) {
    for (const [name, price] of Object.entries(prices)) {
      if (name.endsWith('*')) this.#prefixes.push([name.slice(0, -1), price]);
      else this.#exact.set(name, price);
    }
    this.#prefixes.sort((a, b) => b[0].length - a[0].length);
  }

  /** The price of `model`, or null when the table has none. */
  priceOf(model: string): ModelPrice | null {
    let price = this.#found.get(model);
    if (price === undefined) {
      price =
        this.#exact.get(model) ??
        this.#prefixes.find(([prefix]) => model.startsWith(prefix))?.[1] ??
        null;
      this.#found.set(model, price);
    }
    return price;
  }

  /**
   * What the record cost in USD, priced by the model the upstream served; null when that model
   * has no price. A count_tokens call costs nothing.
   */
  costOf(event: UsageRecorded): number | null {
    if (event.isCountTokens) return 0;
    const price = this.priceOf(event.upstreamModel);
    if (price === null) return null;
    const usd =
      (event.inputTokens * price.input +
        event.outputTokens * price.output +
        event.cacheCreationTokens * (price.cacheWrite ?? price.input) +
        event.cacheReadTokens * (price.cacheRead ?? price.input)) /
      PER_MILLION;
    // Ten decimals: exact in the numeric column, free of binary fractions' tails.
    return Math.round(usd * 1e10) / 1e10;
  }
}
