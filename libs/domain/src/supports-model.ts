import type { Account } from './account.js';
import type { ModelMapping } from './model-mapping-type.js';
import { CompiledModelMapping } from './model-mapping.js';

// Compiled form per mapping object. Accounts are replaced, not edited in place, so object
// identity is a safe cache key, and the WeakMap lets a dropped account's entry be collected.
const compiledByMapping = new WeakMap<ModelMapping, CompiledModelMapping>();
const PASSTHROUGH = new CompiledModelMapping(null);

/** The compiled form of `mapping`, built once per mapping object. */
export function compiledModelMappingOf(
  mapping: ModelMapping | CompiledModelMapping | null | undefined,
): CompiledModelMapping {
  if (mapping === null || mapping === undefined) return PASSTHROUGH;
  if (mapping instanceof CompiledModelMapping) return mapping;
  let compiled = compiledByMapping.get(mapping);
  if (compiled === undefined) {
    compiled = new CompiledModelMapping(mapping);
    compiledByMapping.set(mapping, compiled);
  }
  return compiled;
}

/**
 * The upstream model an account with `mapping` should be asked for, or null when it does not
 * serve `requestedModel`. Accepts a raw mapping or a precompiled one.
 */
export function resolveUpstreamModel(
  mapping: ModelMapping | CompiledModelMapping | null | undefined,
  requestedModel: string,
): string | null {
  return compiledModelMappingOf(mapping).resolve(requestedModel);
}

/** True when the account can serve `requestedModel` (see CompiledModelMapping for the rules). */
export function supportsModel(
  account: Pick<Account, 'modelMapping'>,
  requestedModel: string,
): boolean {
  return compiledModelMappingOf(account.modelMapping).supports(requestedModel);
}
