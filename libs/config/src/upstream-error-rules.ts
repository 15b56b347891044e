import { z } from 'zod';
import type { ConfigVariable, Resolved, VariableOptions } from './config-variable.js';
import { defineVariable, jsonConverter } from './config-variable.js';

/**
 * An operator rule for upstream errors: an answer with one of `statusCodes` whose body contains
 * any of `keywords` (case-insensitive; an empty list matches any body) takes the account out of
 * rotation for `minutes`. The gateway checks rules before its built-in ones, in order.
 */
export interface UpstreamErrorRule {
  readonly statusCodes: readonly number[];
  readonly keywords: readonly string[];
  readonly minutes: number;
  /** Shown as the account's temp-unschedulable reason; defaults to the matched keyword. */
  readonly name?: string | undefined;
}

const ruleSchema = z
  .object({
    statusCodes: z.array(z.number().int().min(100).max(599)).min(1),
    keywords: z.array(z.string().min(1)).default([]),
    minutes: z
      .number()
      .positive()
      .max(7 * 24 * 60),
    name: z.string().min(1).optional(),
  })
  .strict();

const rulesSchema = z.array(ruleSchema);

/** A JSON list of UpstreamErrorRule. */
export function errorRulesVar<const O extends VariableOptions>(
  options: O,
): ConfigVariable<Resolved<O, readonly UpstreamErrorRule[]>> {
  return defineVariable(
    options,
    'a JSON list of {"statusCodes":[…],"keywords":[…],"minutes":N,"name"?:"…"}',
    jsonConverter<readonly UpstreamErrorRule[]>(rulesSchema),
  );
}
