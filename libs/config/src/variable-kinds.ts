import type { ConfigVariable, Resolved, VariableOptions } from './config-variable.js';
import { INVALID, defineVariable } from './config-variable.js';

/** Inclusive bounds; `exclusiveMin` makes the lower bound strict (for rates like an EWMA alpha). */
export interface Bounds {
  readonly min?: number;
  readonly max?: number;
  readonly exclusiveMin?: boolean;
}

function boundsText(kind: string, { min, max, exclusiveMin = false }: Bounds): string {
  if (min !== undefined && max !== undefined) {
    return exclusiveMin ? `${kind} > ${min} and <= ${max}` : `${kind} between ${min} and ${max}`;
  }
  if (min !== undefined) return `${kind} ${exclusiveMin ? '>' : '>='} ${min}`;
  if (max !== undefined) return `${kind} <= ${max}`;
  return kind;
}

function withinBounds(n: number, { min, max, exclusiveMin = false }: Bounds): boolean {
  if (min !== undefined && (exclusiveMin ? n <= min : n < min)) return false;
  return max === undefined || n <= max;
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** A whole number, e.g. `SCHED_TOP_K=7`. */
export function intVar<const O extends VariableOptions & Bounds>(
  options: O,
): ConfigVariable<Resolved<O, number>> {
  return defineVariable(options, boundsText('an integer', options), (raw) => {
    if (!INTEGER.test(raw)) return INVALID;
    const n = Number(raw);
    return Number.isSafeInteger(n) && withinBounds(n, options) ? n : INVALID;
  });
}

/** A decimal number, e.g. `SCHED_EWMA_ALPHA=0.2`. No exponents, no `Infinity`. */
export function floatVar<const O extends VariableOptions & Bounds>(
  options: O,
): ConfigVariable<Resolved<O, number>> {
  return defineVariable(options, boundsText('a number', options), (raw) => {
    if (!DECIMAL.test(raw)) return INVALID;
    const n = Number(raw);
    return withinBounds(n, options) ? n : INVALID;
  });
}

/**
 * A duration as a whole number of milliseconds, e.g. `SHUTDOWN_TIMEOUT_MS=10000`. Unit
 * suffixes are not accepted: the unit is in the variable name.
 */
export function durationMsVar<const O extends VariableOptions & Bounds>(
  options: O,
): ConfigVariable<Resolved<O, number>> {
  const bounds = { ...options, min: options.min ?? 0 };
  return defineVariable(options, boundsText('a whole number of milliseconds', bounds), (raw) => {
    if (!INTEGER.test(raw)) return INVALID;
    const n = Number(raw);
    return Number.isSafeInteger(n) && withinBounds(n, bounds) ? n : INVALID;
  });
}

const BOOLEANS: Readonly<Record<string, boolean>> = { true: true, false: false, 1: true, 0: false };

/** `true`/`false`/`1`/`0` (case-insensitive). Anything else ("yes", "on") is refused, not guessed. */
export function boolVar<const O extends VariableOptions>(
  options: O,
): ConfigVariable<Resolved<O, boolean>> {
  return defineVariable(options, 'one of true, false, 1, 0', (raw) => {
    return BOOLEANS[raw.toLowerCase()] ?? INVALID;
  });
}

/** One of a fixed set of values (case-insensitive; the canonical spelling is returned). */
export function enumVar<const V extends readonly string[], const O extends VariableOptions>(
  options: O & { readonly values: V },
): ConfigVariable<Resolved<O, V[number]>> {
  const { values } = options;
  return defineVariable(options, `one of ${values.join(', ')}`, (raw) => {
    const lower = raw.toLowerCase();
    return values.find((v) => v.toLowerCase() === lower) ?? INVALID;
  });
}

export interface UrlOptions {
  /** Accepted schemes without the colon, e.g. `['http', 'https']`. */
  readonly protocols: readonly string[];
}

function isUrlWith(raw: string, protocols: readonly string[]): boolean {
  if (!URL.canParse(raw)) return false;
  const url = new URL(raw);
  return protocols.includes(url.protocol.slice(0, -1)) && url.host !== '';
}

function schemesText(protocols: readonly string[]): string {
  return protocols.map((p) => `${p}://`).join(' or ');
}

/**
 * An absolute URL with one of the given schemes. Trailing slashes are removed so callers can
 * append paths (`${baseUrl}/v1/messages`) without doubling them.
 */
export function urlVar<const O extends VariableOptions & UrlOptions>(
  options: O,
): ConfigVariable<Resolved<O, string>> {
  return defineVariable(options, `a ${schemesText(options.protocols)} URL`, (raw) =>
    isUrlWith(raw, options.protocols) ? raw.replace(/\/+$/, '') : INVALID,
  );
}

/** A comma-separated list of URLs, e.g. several NATS seed servers. */
export function urlListVar<const O extends VariableOptions & UrlOptions>(
  options: O,
): ConfigVariable<Resolved<O, readonly string[]>> {
  const expected = `a comma-separated list of ${schemesText(options.protocols)} URLs`;
  return defineVariable(options, expected, (raw) => {
    const urls = raw.split(',').map((u) => u.trim());
    return urls.every((u) => isUrlWith(u, options.protocols)) ? urls : INVALID;
  });
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Standard base64 (with padding) of exactly `bytes` bytes, e.g. an AES-256 key made with
 * `openssl rand -base64 32`. Checked strictly: Buffer.from() silently skips bad characters,
 * which would turn a typo into a different key.
 */
export function base64KeyVar<const O extends VariableOptions & { readonly bytes: number }>(
  options: O,
): ConfigVariable<Resolved<O, Buffer>> {
  return defineVariable(options, `base64 of exactly ${options.bytes} bytes`, (raw) => {
    if (!BASE64.test(raw)) return INVALID;
    const key = Buffer.from(raw, 'base64');
    return key.length === options.bytes ? key : INVALID;
  });
}

export interface StringOptions {
  readonly minLength?: number;
  /** The whole value must match; `patternText` says what it allows, for the error message. */
  readonly pattern?: RegExp;
  readonly patternText?: string;
}

/** Free text with an optional minimum length and pattern. */
export function stringVar<const O extends VariableOptions & StringOptions>(
  options: O,
): ConfigVariable<Resolved<O, string>> {
  const { minLength = 1, pattern, patternText } = options;
  const expected =
    patternText ?? (minLength > 1 ? `a string of at least ${minLength} characters` : 'a string');
  return defineVariable(options, expected, (raw) =>
    raw.length >= minLength && (pattern === undefined || pattern.test(raw)) ? raw : INVALID,
  );
}

// minute, hour, day of month, month, day of week (0 and 7 are Sunday).
const CRON_FIELD_RANGES: readonly (readonly [number, number])[] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];
const CRON_PART = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/;

function isCronField(field: string, [lo, hi]: readonly [number, number]): boolean {
  return field.split(',').every((part) => {
    const m = CRON_PART.exec(part);
    if (m === null) return false;
    const [, , from, to, step] = m;
    const inRange = (s: string | undefined) => s === undefined || (+s >= lo && +s <= hi);
    if (!inRange(from) || !inRange(to)) return false;
    if (from !== undefined && to !== undefined && +from > +to) return false;
    return step === undefined || +step >= 1;
  });
}

/**
 * A standard 5-field cron expression (numbers, `*`, ranges, lists and steps; no names like
 * MON). Only the syntax is checked here; the scheduler that runs it evaluates it in UTC.
 */
export function cronVar<const O extends VariableOptions>(
  options: O,
): ConfigVariable<Resolved<O, string>> {
  const expected = 'a 5-field cron expression (minute hour day-of-month month day-of-week)';
  return defineVariable(options, expected, (raw) => {
    const fields = raw.split(/\s+/);
    if (fields.length !== CRON_FIELD_RANGES.length) return INVALID;
    return fields.every((f, i) => isCronField(f, CRON_FIELD_RANGES[i]))
      ? fields.join(' ')
      : INVALID;
  });
}
