import type { BehaviourInput, Fault, FaultFrequency, FaultScope } from './behaviour.js';
import { PLATFORMS } from './platform.js';
import type { Platform } from './platform.js';
import { SimConfigError } from './sim-config-error.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberIn(value: unknown, where: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new SimConfigError(`${where} must be a number in [${min}, ${max}]`);
  }
  return value;
}

function integerIn(value: unknown, where: string, min: number, max: number): number {
  const n = numberIn(value, where, min, max);
  if (!Number.isInteger(n)) throw new SimConfigError(`${where} must be an integer`);
  return n;
}

function bool(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new SimConfigError(`${where} must be a boolean`);
  return value;
}

function str(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new SimConfigError(`${where} must be a non-empty string`);
  }
  return value;
}

function parseScope(raw: Json, where: string): FaultScope {
  const scope: { path?: string; model?: string; stream?: boolean; platform?: Platform } = {};
  if (raw.path !== undefined) scope.path = str(raw.path, `${where}.path`);
  if (raw.model !== undefined) scope.model = str(raw.model, `${where}.model`);
  if (raw.stream !== undefined) scope.stream = bool(raw.stream, `${where}.stream`);
  if (raw.platform !== undefined) {
    const p = str(raw.platform, `${where}.platform`);
    if (!PLATFORMS.includes(p as Platform)) {
      throw new SimConfigError(`${where}.platform must be one of ${PLATFORMS.join(', ')}`);
    }
    scope.platform = p as Platform;
  }
  return scope;
}

function parseFrequency(raw: Json, where: string): FaultFrequency {
  const freq: { times?: number; once?: boolean; probability?: number } = {};
  if (raw.times !== undefined) freq.times = integerIn(raw.times, `${where}.times`, 0, 1e9);
  if (raw.once !== undefined) freq.once = bool(raw.once, `${where}.once`);
  if (raw.probability !== undefined) {
    freq.probability = numberIn(raw.probability, `${where}.probability`, 0, 1);
  }
  return freq;
}

function parseHeaders(raw: unknown, where: string): Record<string, string> {
  if (!isObject(raw)) throw new SimConfigError(`${where} must be an object of strings`);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new SimConfigError(`${where}.${name} must be a string`);
    }
    headers[name.toLowerCase()] = String(value);
  }
  return headers;
}

/** Validates one fault from untrusted JSON. */
export function parseFault(raw: unknown, where = 'fault'): Fault {
  if (!isObject(raw)) throw new SimConfigError(`${where} must be an object`);
  const common = { ...parseScope(raw, where), ...parseFrequency(raw, where) };
  if (raw.kind === 'reset_before') return { ...common, kind: 'reset_before' };
  if (raw.kind === 'reset_mid_stream') {
    const afterTokens = integerIn(raw.afterTokens ?? 0, `${where}.afterTokens`, 0, 1e9);
    return { ...common, kind: 'reset_mid_stream', afterTokens };
  }
  if (raw.kind !== undefined) {
    throw new SimConfigError(`${where}.kind must be 'reset_before' or 'reset_mid_stream'`);
  }
  const status = integerIn(raw.status, `${where}.status`, 400, 599);
  const fault: {
    status: number;
    body?: unknown;
    headers?: Record<string, string>;
    resetAfterSeconds?: number;
  } = { status };
  if (raw.body !== undefined) fault.body = raw.body;
  if (raw.headers !== undefined) fault.headers = parseHeaders(raw.headers, `${where}.headers`);
  if (raw.resetAfterSeconds !== undefined) {
    fault.resetAfterSeconds = integerIn(
      raw.resetAfterSeconds,
      `${where}.resetAfterSeconds`,
      0,
      1e9,
    );
  }
  return { ...common, ...fault };
}

/** Validates a (partial) behaviour from untrusted JSON; unknown fields are refused. */
export function parseBehaviour(raw: unknown): BehaviourInput {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) throw new SimConfigError('behaviour must be a JSON object');
  const out: { -readonly [K in keyof BehaviourInput]: BehaviourInput[K] } = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    switch (key) {
      case 'ttftMs':
        out.ttftMs = numberIn(value, key, 0, 3_600_000);
        break;
      case 'interTokenMs':
        out.interTokenMs = numberIn(value, key, 0, 3_600_000);
        break;
      case 'outputTokens':
        out.outputTokens = integerIn(value, key, 1, 1_000_000);
        break;
      case 'cachedInputFraction':
        out.cachedInputFraction = numberIn(value, key, 0, 1);
        break;
      case 'rejectAuth':
        out.rejectAuth = bool(value, key);
        break;
      case 'accessTokenTtlSeconds':
        out.accessTokenTtlSeconds = integerIn(value, key, 0, 1e9);
        break;
      case 'singleUseRefreshTokens':
        out.singleUseRefreshTokens = bool(value, key);
        break;
      case 'faults':
        if (!Array.isArray(value)) throw new SimConfigError('faults must be an array');
        out.faults = value.map((f, i) => parseFault(f, `faults[${i}]`));
        break;
      default:
        throw new SimConfigError(`unknown behaviour field '${key}'`);
    }
  }
  return out;
}
