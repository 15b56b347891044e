import type { ModelMapping } from './model-mapping-type.js';
import {
  compareWildcardPrecedence,
  compileWildcard,
  hasWildcard,
  matchesWildcard,
  type WildcardPattern,
} from './wildcard-pattern.js';

/** Upstream value meaning "forward the requested model name unchanged". */
export const PASSTHROUGH_MODEL = '*';

type WildcardRule = { readonly pattern: WildcardPattern; readonly target: string };

/**
 * A model mapping prepared for repeated lookups: exact keys in a Map, wildcard keys
 * pre-split and pre-sorted by precedence so the first match is the answer.
 *
 * Resolution rules:
 * - null / empty mapping: every model is supported and passes through unchanged;
 * - an exact key beats any wildcard;
 * - among wildcards the one with the most literal characters wins (ties: pattern text order);
 * - the value is the upstream model; `*` or `''` passes the requested name through;
 * - no key matches: the model is not supported (null).
 */
export class CompiledModelMapping {
  readonly #exact: ReadonlyMap<string, string>;
  readonly #wildcards: readonly WildcardRule[];
  readonly #passthroughAll: boolean;

  constructor(mapping: ModelMapping | null | undefined) {
    const exact = new Map<string, string>();
    const wildcards: WildcardRule[] = [];
    for (const [key, target] of Object.entries(mapping ?? {})) {
      if (hasWildcard(key)) wildcards.push({ pattern: compileWildcard(key), target });
      else exact.set(key, target);
    }
    wildcards.sort((a, b) => compareWildcardPrecedence(a.pattern, b.pattern));
    this.#exact = exact;
    this.#wildcards = wildcards;
    this.#passthroughAll = exact.size === 0 && wildcards.length === 0;
  }

  /** True when the mapping is null or empty: any model, unchanged. */
  get passthroughAll(): boolean {
    return this.#passthroughAll;
  }

  /** The upstream model for `requestedModel`, or null when the mapping does not cover it. */
  resolve(requestedModel: string): string | null {
    if (this.#passthroughAll) return requestedModel;
    const exact = this.#exact.get(requestedModel);
    if (exact !== undefined) return upstreamName(exact, requestedModel);
    for (const rule of this.#wildcards) {
      if (matchesWildcard(rule.pattern, requestedModel)) {
        return upstreamName(rule.target, requestedModel);
      }
    }
    return null;
  }

  supports(requestedModel: string): boolean {
    return this.resolve(requestedModel) !== null;
  }
}

export function compileModelMapping(
  mapping: ModelMapping | null | undefined,
): CompiledModelMapping {
  return new CompiledModelMapping(mapping);
}

function upstreamName(target: string, requestedModel: string): string {
  return target === PASSTHROUGH_MODEL || target === '' ? requestedModel : target;
}
