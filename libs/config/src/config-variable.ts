import { z } from 'zod';

/**
 * A value is required when the variable has neither `default` nor `optional: true`.
 * `default` is written as the environment would carry it and goes through the same parser as a
 * set value, so the documented default is exactly what is applied.
 */
export type Presence =
  | { readonly default: string | ComputedDefault; readonly optional?: never }
  | { readonly optional: true; readonly default?: never }
  | { readonly default?: never; readonly optional?: never };

/** A default that depends on the host (e.g. `<hostname>-<pid>`); `describe` is what the docs show. */
export interface ComputedDefault {
  readonly describe: string;
  readonly compute: () => string;
}

export type VariableOptions = Presence & {
  /** UPPER_SNAKE environment variable name. */
  readonly name: string;
  /** One sentence for the README configuration tables. */
  readonly description: string;
  /** Never echo the value in an error message (tokens, keys, URLs that may hold passwords). */
  readonly secret?: boolean;
};

/** The parsed type of a variable: `T`, or `T | undefined` when declared `optional: true`. */
export type Resolved<O, T> = O extends { readonly optional: true } ? T | undefined : T;

/** One environment variable: its documentation and the zod schema that parses it. */
export interface ConfigVariable<T> {
  readonly name: string;
  readonly description: string;
  readonly presence: 'default' | 'required' | 'optional';
  /** The default as documented (`undefined` when required or optional). */
  readonly defaultText: string | undefined;
  readonly secret: boolean;
  /** Parses the raw value (`undefined` when unset) and reports a problem naming the variable. */
  readonly schema: z.ZodType<T, string | undefined>;
}

/** Returned by a converter for a value it cannot accept. */
export const INVALID: unique symbol = Symbol('invalid');
export type Converter<T> = (raw: string) => T | typeof INVALID;

// Values beyond this are cut in error messages: the point is to recognise the value, not print it.
const MAX_ECHO_CHARS = 80;

function describeGot(raw: string, secret: boolean): string {
  if (secret) return `got a value of ${raw.length} characters, not shown because it is secret`;
  const shown = raw.length > MAX_ECHO_CHARS ? `${raw.slice(0, MAX_ECHO_CHARS)}…` : raw;
  return `got ${JSON.stringify(shown)}`;
}

/**
 * Builds a variable from a converter. `expected` completes the sentence "X must be …", e.g.
 * `an integer >= 1`. An unset, empty or blank value counts as unset: compose files and k8s
 * manifests often carry `FOO=` for "not set". Values are trimmed (env files pick up stray
 * spaces and carriage returns).
 */
export function defineVariable<T, const O extends VariableOptions>(
  options: O,
  expected: string,
  convert: Converter<T>,
): ConfigVariable<Resolved<O, T>> {
  const { name, description } = options;
  const secret = options.secret ?? false;
  const fallback = options.default;
  if (typeof fallback === 'string' && convert(fallback.trim()) === INVALID) {
    // A programming error in this package, not a deployment error: fail at import.
    throw new Error(`default ${JSON.stringify(fallback)} of ${name} is not ${expected}`);
  }
  const presence =
    fallback !== undefined ? 'default' : options.optional === true ? 'optional' : 'required';
  const defaultText =
    fallback === undefined
      ? undefined
      : typeof fallback === 'string'
        ? fallback
        : fallback.describe;

  const schema = z
    .string({ error: `${name} must be a string` })
    .optional()
    .transform((raw, ctx): Resolved<O, T> => {
      const trimmed = raw?.trim() ?? '';
      const given =
        trimmed !== '' ? trimmed : typeof fallback === 'object' ? fallback.compute() : fallback;
      if (given === undefined) {
        if (presence === 'required') {
          ctx.issues.push({
            code: 'custom',
            input: raw,
            message: `${name} is missing; it must be ${expected}`,
          });
          return z.NEVER;
        }
        return undefined as Resolved<O, T>;
      }
      const value = convert(given);
      if (value === INVALID) {
        ctx.issues.push({
          code: 'custom',
          input: raw,
          message: `${name} must be ${expected} (${describeGot(given, secret)})`,
        });
        return z.NEVER;
      }
      return value as Resolved<O, T>;
    });

  return { name, description, presence, defaultText, secret, schema };
}

/**
 * A converter for a variable holding JSON: parsed, then checked by `schema`; INVALID when
 * either fails.
 */
export function jsonConverter<T>(schema: z.ZodType<T>): Converter<T> {
  return (raw) => {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return INVALID;
    }
    const parsed = schema.safeParse(json);
    return parsed.success ? parsed.data : INVALID;
  };
}
