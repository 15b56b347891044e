import type { ColumnType, Generated } from 'kysely';

/**
 * Column shapes shared by the table interfaces. postgres.js is configured (see create-db.ts) to
 * parse int8 as a JS number and timestamptz as a Date, so these are the types rows come back as.
 */

/** `bigserial` primary key: read as a number, never written by the application. */
export type Id = Generated<number>;

/** `timestamptz not null default now()` that is never updated after insert. */
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

/** `timestamptz not null default now()` that updates refresh explicitly. */
export type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

/** `timestamptz` that may be null and that the application writes. */
export type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;

/** Column with a database default: optional on insert, otherwise read and written as `T`. */
export type WithDefault<T> = ColumnType<T, T | undefined, T>;

/** Nullable column: optional on insert (stored as NULL). */
export type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

/**
 * `numeric`: postgres.js returns it as a string so that no precision is lost; the repositories
 * convert to number where the value is a money amount small enough for a double.
 */
export type Numeric = ColumnType<string, string | number, string | number>;
export type NullableNumeric = ColumnType<
  string | null,
  string | number | null | undefined,
  string | number | null
>;
export type NumericWithDefault = ColumnType<string, string | number | undefined, string | number>;

/** A JSON value as stored in a `jsonb` column. */
export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * Pass jsonb values as plain objects or arrays, never pre-stringified: postgres.js serialises
 * them itself, and a string would be stored as a JSON string literal.
 */
export type NullableJson<T extends JsonValue = JsonValue> = ColumnType<
  T | null,
  T | null | undefined,
  T | null
>;
