import { GatewayError } from '../errors/index.js';

/** A JSON request body, parsed. */
export type JsonBody = Readonly<Record<string, unknown>>;

function invalid(param: string, message: string): GatewayError {
  return new GatewayError('invalid_request', message, { param, reason: 'invalid_field' });
}

/** `model`: a non-empty string. */
export function requiredModel(body: JsonBody): string {
  const model = body.model;
  if (model === undefined || model === null) throw invalid('model', 'model: Field required');
  if (typeof model !== 'string' || model.trim() === '') {
    throw invalid('model', 'model: Input should be a non-empty string');
  }
  return model;
}

/** An array field that must be present. */
export function requiredArray(body: JsonBody, field: string): readonly unknown[] {
  const value = body[field];
  if (value === undefined || value === null) throw invalid(field, `${field}: Field required`);
  if (!Array.isArray(value)) throw invalid(field, `${field}: Input should be a valid list`);
  return value;
}

/** A boolean field, false when absent. */
export function optionalBoolean(body: JsonBody, field: string): boolean {
  const value = body[field];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw invalid(field, `${field}: Input should be a valid boolean`);
  return value;
}

/** A string field, undefined when absent or null. */
export function optionalString(body: JsonBody, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(field, `${field}: Input should be a valid string`);
  return value === '' ? undefined : value;
}

/** An object field, when present. */
export function optionalObject(body: JsonBody, field: string): void {
  const value = body[field];
  if (value === undefined || value === null) return;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(field, `${field}: Input should be a valid object`);
  }
}
