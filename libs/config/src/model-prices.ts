import { z } from 'zod';
import type { ConfigVariable, Resolved, VariableOptions } from './config-variable.js';
import { defineVariable, jsonConverter } from './config-variable.js';

/**
 * What a model's tokens cost, in USD per million tokens. Cache writes and reads default to the
 * input price when the vendor does not price them apart.
 */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
  readonly cacheWrite?: number | undefined;
  readonly cacheRead?: number | undefined;
}

/**
 * Prices by model name. A name ending in `*` prices every model it is a prefix of; an exact
 * name wins over a prefix, and a longer prefix over a shorter one.
 */
export type ModelPrices = Readonly<Record<string, ModelPrice>>;

const usdPerMillion = z.number().nonnegative().max(100_000);

const priceSchema = z
  .object({
    input: usdPerMillion,
    output: usdPerMillion,
    cacheWrite: usdPerMillion.optional(),
    cacheRead: usdPerMillion.optional(),
  })
  .strict();

const pricesSchema = z.record(z.string().min(1), priceSchema);

/** A JSON object of model name (or `prefix*`) → ModelPrice. */
export function modelPricesVar<const O extends VariableOptions>(
  options: O,
): ConfigVariable<Resolved<O, ModelPrices>> {
  return defineVariable(
    options,
    'a JSON object of model (or "prefix*") → {"input":USD,"output":USD,"cacheWrite"?:USD,"cacheRead"?:USD} per million tokens',
    jsonConverter<ModelPrices>(pricesSchema),
  );
}
