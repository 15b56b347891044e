import { z } from 'zod';
import type { ConfigVariable } from './config-variable.js';
import type { ConfigProblem } from './config-error.js';
import { ConfigError } from './config-error.js';
import type { Env } from './env.js';

/** A named set of variables: the keys are the field names the loader returns. */
export type VariableSet = Readonly<Record<string, ConfigVariable<unknown>>>;

/** The parsed values of a variable set, keyed like it. */
export type VariableValues<V extends VariableSet> = {
  readonly [K in keyof V]: V[K] extends ConfigVariable<infer T> ? T : never;
};

/**
 * Parses the variables out of `env` through one zod object schema. Every variable is checked
 * before anything is reported, so the ConfigError names all offending variables at once.
 */
export function loadVariables<const V extends VariableSet>(
  env: Env,
  variables: V,
): VariableValues<V> {
  const entries = Object.entries(variables);
  const schema = z.object(Object.fromEntries(entries.map(([, v]) => [v.name, v.schema])));
  // Only the variables we know, so the rest of a large process.env is never walked or echoed.
  const input = Object.fromEntries(entries.map(([, v]) => [v.name, env[v.name]]));
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems: ConfigProblem[] = [];
    for (const issue of result.error.issues) {
      const variable = String(issue.path[0] ?? '');
      if (problems.some((p) => p.variable === variable)) continue;
      problems.push({ variable, message: issue.message });
    }
    throw new ConfigError(problems, { cause: result.error });
  }
  const parsed: Record<string, unknown> = result.data;
  return Object.fromEntries(entries.map(([key, v]) => [key, parsed[v.name]])) as VariableValues<V>;
}
