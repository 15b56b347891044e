import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import type { AccountStatus, AccountType, ModelMapping, Platform } from '@switchyard/domain';
import type { Database } from '../schema/database.js';
import type { AccountsTable } from '../schema/accounts-table.js';
import { inTransaction } from './in-transaction.js';
import { patchColumns } from './patch-columns.js';
import { insertAccountGroupLinks } from './account-groups.js';
import type { AccountGroupLink } from './account-groups.js';

/** An account row with its group memberships. Times are Dates; see toDomainAccount. */
export type AccountRecord = {
  id: number;
  name: string;
  platform: Platform;
  type: AccountType;
  /** Cipher blob (see createCredentialCipher); only the gateway decrypts it. */
  credentialsEncrypted: string;
  baseUrl: string | null;
  concurrency: number;
  priority: number;
  status: AccountStatus;
  errorMessage: string | null;
  schedulable: boolean;
  rateLimitResetAt: Date | null;
  overloadUntil: Date | null;
  tempUnschedulableUntil: Date | null;
  tempUnschedulableReason: string | null;
  stateObservedAt: Date | null;
  modelMapping: ModelMapping | null;
  mixedScheduling: boolean;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** Ascending. Empty when the account is in no group. */
  groupIds: number[];
};

/** A new account; `credentialsEncrypted` is already a cipher blob. */
export type NewAccount = {
  name: string;
  platform: Platform;
  type: AccountType;
  credentialsEncrypted: string;
  baseUrl?: string | null;
  concurrency?: number;
  priority?: number;
  status?: AccountStatus;
  schedulable?: boolean;
  modelMapping?: ModelMapping | null;
  mixedScheduling?: boolean;
  expiresAt?: Date | null;
  groups?: readonly AccountGroupLink[];
};

/** Fields to change; absent fields are left alone, `null` clears a nullable column. */
export type AccountPatch = {
  name?: string;
  platform?: Platform;
  type?: AccountType;
  credentialsEncrypted?: string;
  baseUrl?: string | null;
  concurrency?: number;
  priority?: number;
  status?: AccountStatus;
  errorMessage?: string | null;
  schedulable?: boolean;
  rateLimitResetAt?: Date | null;
  overloadUntil?: Date | null;
  tempUnschedulableUntil?: Date | null;
  tempUnschedulableReason?: string | null;
  stateObservedAt?: Date | null;
  modelMapping?: ModelMapping | null;
  mixedScheduling?: boolean;
  lastUsedAt?: Date | null;
  expiresAt?: Date | null;
};

const ACCOUNT_COLUMNS = {
  name: 'name',
  platform: 'platform',
  type: 'type',
  credentialsEncrypted: 'credentials_encrypted',
  baseUrl: 'base_url',
  concurrency: 'concurrency',
  priority: 'priority',
  status: 'status',
  errorMessage: 'error_message',
  schedulable: 'schedulable',
  rateLimitResetAt: 'rate_limit_reset_at',
  overloadUntil: 'overload_until',
  tempUnschedulableUntil: 'temp_unschedulable_until',
  tempUnschedulableReason: 'temp_unschedulable_reason',
  stateObservedAt: 'state_observed_at',
  modelMapping: 'model_mapping',
  mixedScheduling: 'mixed_scheduling',
  lastUsedAt: 'last_used_at',
  expiresAt: 'expires_at',
} as const;

type AccountRow = Selectable<AccountsTable> & { group_ids: number[] };

function toAccountRecord(row: AccountRow): AccountRecord {
  return {
    id: row.id,
    name: row.name,
    platform: row.platform,
    type: row.type,
    credentialsEncrypted: row.credentials_encrypted,
    baseUrl: row.base_url,
    concurrency: row.concurrency,
    priority: row.priority,
    status: row.status,
    errorMessage: row.error_message,
    schedulable: row.schedulable,
    rateLimitResetAt: row.rate_limit_reset_at,
    overloadUntil: row.overload_until,
    tempUnschedulableUntil: row.temp_unschedulable_until,
    tempUnschedulableReason: row.temp_unschedulable_reason,
    stateObservedAt: row.state_observed_at,
    modelMapping: row.model_mapping,
    mixedScheduling: row.mixed_scheduling,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    groupIds: row.group_ids,
  };
}

function selectAccounts(db: Kysely<Database>) {
  return db
    .selectFrom('accounts')
    .selectAll('accounts')
    .select(
      // int8[] parses to number[] through the int8 parser configured in createDb.
      sql<number[]>`array(
        select ag.group_id from account_groups ag
        where ag.account_id = accounts.id order by ag.group_id
      )`.as('group_ids'),
    );
}

export async function getAccount(db: Kysely<Database>, id: number): Promise<AccountRecord | null> {
  const row = await selectAccounts(db).where('accounts.id', '=', id).executeTakeFirst();
  return row === undefined ? null : toAccountRecord(row);
}

/** Accounts ordered by id, optionally only one platform's and/or one group's members. */
export async function listAccounts(
  db: Kysely<Database>,
  filter: { platform?: Platform; groupId?: number } = {},
): Promise<AccountRecord[]> {
  let query = selectAccounts(db).orderBy('accounts.id');
  if (filter.platform !== undefined) query = query.where('accounts.platform', '=', filter.platform);
  const { groupId } = filter;
  if (groupId !== undefined) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('account_groups')
          .select('account_groups.group_id')
          .whereRef('account_groups.account_id', '=', 'accounts.id')
          .where('account_groups.group_id', '=', groupId),
      ),
    );
  }
  return (await query.execute()).map(toAccountRecord);
}

/** Inserts the account and its group links in one transaction. */
export async function createAccount(
  db: Kysely<Database>,
  input: NewAccount,
): Promise<AccountRecord> {
  return inTransaction(db, async (trx) => {
    const { id } = await trx
      .insertInto('accounts')
      .values({
        name: input.name,
        platform: input.platform,
        type: input.type,
        credentials_encrypted: input.credentialsEncrypted,
        base_url: input.baseUrl,
        concurrency: input.concurrency,
        priority: input.priority,
        status: input.status,
        schedulable: input.schedulable,
        model_mapping: input.modelMapping,
        mixed_scheduling: input.mixedScheduling,
        expires_at: input.expiresAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await insertAccountGroupLinks(trx, id, input.groups ?? []);
    const created = await getAccount(trx, id);
    if (created === null) throw new Error(`account ${id} vanished inside its own transaction`);
    return created;
  });
}

/** Applies the fields present in `patch`; returns null when the account does not exist. */
export async function updateAccount(
  db: Kysely<Database>,
  id: number,
  patch: AccountPatch,
): Promise<AccountRecord | null> {
  const updated = await db
    .updateTable('accounts')
    .set({
      ...patchColumns<AccountPatch, AccountsTable>(patch, ACCOUNT_COLUMNS),
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  return updated === undefined ? null : getAccount(db, id);
}

/** Deletes the account and (cascade) its group links. Returns whether it existed. */
export async function deleteAccount(db: Kysely<Database>, id: number): Promise<boolean> {
  const result = await db.deleteFrom('accounts').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
