import { MalformedMessageError, decodeMessage, encodeMessage } from '@switchyard/contracts';
import type { z } from 'zod';

/** Sends `value` through the wire format and back, as a receiver would see it. */
export function roundTrip<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  return decodeMessage(schema, encodeMessage(value));
}

/** Decodes `value` expecting rejection; returns the error for further checks. */
export function expectMalformed(schema: z.ZodType, value: unknown): MalformedMessageError {
  let caught: unknown;
  try {
    decodeMessage(schema, JSON.stringify(value));
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(MalformedMessageError);
  return caught as MalformedMessageError;
}

/** The dotted paths of the issues, for readable assertions. */
export function issuePaths(error: MalformedMessageError): string[] {
  return error.issues.map((issue) => issue.path.join('.'));
}

/** A copy of `value` without `key`. */
export function without<T extends object>(value: T, key: keyof T): Partial<T> {
  const copy: Partial<T> = { ...value };
  delete copy[key];
  return copy;
}
