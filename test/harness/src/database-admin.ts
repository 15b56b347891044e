import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { HarnessError, HarnessErrorCode } from './harness-error.js';

// A plain, unquoted postgres identifier: nothing a test can pass can break out of the statement.
const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A fresh database name: `t_` and 12 random hex digits. */
export function randomDatabaseName(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

function checkName(name: string): void {
  if (!DATABASE_NAME.test(name)) {
    throw new HarnessError(
      HarnessErrorCode.InvalidName,
      `database name ${JSON.stringify(name)} must match ${String(DATABASE_NAME)}`,
    );
  }
}

/** The URL of another database on the same server as `url`. */
export function databaseUrl(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Runs `work` on one admin connection (one, so that session advisory locks hold), then closes it. */
export async function withAdminConnection<T>(
  adminUrl: string,
  work: (sql: postgres.Sql) => Promise<T>,
): Promise<T> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    return await work(sql);
  } finally {
    await sql.end();
  }
}

/** CREATE DATABASE, optionally as a copy of `template`; resolves to the new database's URL. */
export async function createDatabaseOn(
  sql: postgres.Sql,
  adminUrl: string,
  name: string,
  template?: string,
): Promise<string> {
  checkName(name);
  if (template === undefined) {
    await sql`create database ${sql(name)}`;
  } else {
    checkName(template);
    await sql`create database ${sql(name)} template ${sql(template)}`;
  }
  return databaseUrl(adminUrl, name);
}

export type CreateDatabaseOptions = {
  /** Copy this database (CREATE DATABASE … TEMPLATE); nobody may be connected to it. */
  readonly template?: string;
};

/** Creates a database on the server of `adminUrl` and resolves to its URL. */
export function createDatabase(
  adminUrl: string,
  name: string = randomDatabaseName(),
  options: CreateDatabaseOptions = {},
): Promise<string> {
  return withAdminConnection(adminUrl, (sql) =>
    createDatabaseOn(sql, adminUrl, name, options.template),
  );
}

/** Drops a database, disconnecting whoever is still connected to it (a test's leaked pool). */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  checkName(name);
  await withAdminConnection(adminUrl, async (sql) => {
    await sql`drop database if exists ${sql(name)} with (force)`;
  });
}
