import { randomBytes } from 'node:crypto';
import {
  createAccount,
  createApiKey,
  createCredentialCipher,
  createGroup,
  createUser,
  deleteAccount,
  deleteApiKey,
  deleteGroup,
  findApiKeyByHash,
  generateApiKey,
  getAccount,
  getApiKey,
  getGroup,
  getUser,
  getUserByEmail,
  hashApiKey,
  inTransaction,
  listAccounts,
  listApiKeys,
  listGroups,
  setAccountGroups,
  toDomainAccount,
  updateAccount,
  updateApiKeyStatus,
  updateGroup,
} from '@switchyard/db';
import type { Db } from '@switchyard/db';
import { startLocalPostgres } from './local-postgres.js';
import type { LocalPostgres } from './local-postgres.js';

let pg: LocalPostgres;
let handle: Db;

beforeAll(async () => {
  pg = await startLocalPostgres();
  handle = await pg.migratedDb();
});

afterAll(async () => {
  await pg?.stop();
});

describe('users repository', () => {
  it('creates a user and reads it back by id and by email', async () => {
    const created = await createUser(handle.db, { email: 'ada@example.com', name: 'Ada' });
    expect(created).toMatchObject({ email: 'ada@example.com', name: 'Ada', status: 'active' });
    expect(typeof created.id).toBe('number');
    expect(created.createdAt).toBeInstanceOf(Date);

    expect(await getUser(handle.db, created.id)).toEqual(created);
    expect(await getUserByEmail(handle.db, 'ada@example.com')).toEqual(created);
    expect(await getUser(handle.db, created.id + 1000)).toBeNull();
  });

  it('refuses a second user with the same email', async () => {
    await createUser(handle.db, { email: 'dup@example.com', name: 'One' });
    await expect(
      createUser(handle.db, { email: 'dup@example.com', name: 'Two' }),
    ).rejects.toMatchObject({ code: '23505' });
  });
});

describe('groups repository', () => {
  it('round-trips create, get, list, update and delete', async () => {
    const created = await createGroup(handle.db, { name: 'g-claude', platform: 'anthropic' });
    expect(created).toMatchObject({ name: 'g-claude', platform: 'anthropic', description: '' });
    expect(await getGroup(handle.db, created.id)).toEqual(created);

    const other = await createGroup(handle.db, {
      name: 'g-gpt',
      platform: 'openai',
      description: 'OpenAI pool',
      status: 'disabled',
    });
    expect((await listGroups(handle.db)).map((g) => g.id)).toEqual(
      expect.arrayContaining([created.id, other.id]),
    );
    expect(await listGroups(handle.db, { platform: 'openai' })).toEqual([other]);

    const updated = await updateGroup(handle.db, created.id, { description: 'Claude pool' });
    expect(updated).toMatchObject({ id: created.id, name: 'g-claude', description: 'Claude pool' });
    expect(updated!.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());
    expect(await updateGroup(handle.db, 999_999, { name: 'missing' })).toBeNull();

    expect(await deleteGroup(handle.db, other.id)).toBe(true);
    expect(await deleteGroup(handle.db, other.id)).toBe(false);
    expect(await getGroup(handle.db, other.id)).toBeNull();
  });

  it('refuses a platform outside the known set', async () => {
    await expect(
      createGroup(handle.db, { name: 'g-bad', platform: 'mistral' as 'openai' }),
    ).rejects.toMatchObject({ code: '23514' });
  });
});

describe('accounts repository', () => {
  const cipher = createCredentialCipher(randomBytes(32).toString('base64'));

  it('stores an account with encrypted credentials and its groups, and reads it back', async () => {
    const groupA = await createGroup(handle.db, { name: 'acc-a', platform: 'anthropic' });
    const groupB = await createGroup(handle.db, { name: 'acc-b', platform: 'anthropic' });
    const expiresAt = new Date('2030-01-01T00:00:00Z');
    const created = await createAccount(handle.db, {
      name: 'claude-1',
      platform: 'anthropic',
      type: 'apikey',
      credentialsEncrypted: cipher.encrypt({ apiKey: 'sk-ant-1' }),
      baseUrl: 'http://127.0.0.1:9999',
      modelMapping: { 'claude-*': 'claude-sonnet-4' },
      expiresAt,
      groups: [groupB.id, { groupId: groupA.id, priority: 10 }],
    });

    expect(created).toMatchObject({
      name: 'claude-1',
      platform: 'anthropic',
      type: 'apikey',
      baseUrl: 'http://127.0.0.1:9999',
      concurrency: 3,
      priority: 50,
      status: 'active',
      schedulable: true,
      mixedScheduling: false,
      rateLimitResetAt: null,
      modelMapping: { 'claude-*': 'claude-sonnet-4' },
      expiresAt,
      groupIds: [groupA.id, groupB.id].sort((a, b) => a - b),
    });
    expect(cipher.decrypt(created.credentialsEncrypted)).toEqual({ apiKey: 'sk-ant-1' });
    expect(await getAccount(handle.db, created.id)).toEqual(created);
    const links = await handle.db
      .selectFrom('account_groups')
      .select(['group_id', 'priority'])
      .where('account_id', '=', created.id)
      .orderBy('group_id')
      .execute();
    expect(links).toEqual(
      [
        { group_id: groupA.id, priority: 10 },
        { group_id: groupB.id, priority: 50 },
      ].sort((a, b) => a.group_id - b.group_id),
    );
  });

  it('lists accounts by platform and by group', async () => {
    const group = await createGroup(handle.db, { name: 'list-g', platform: 'openai' });
    const base = { type: 'apikey' as const, credentialsEncrypted: cipher.encrypt('k') };
    const inGroup = await createAccount(handle.db, {
      ...base,
      name: 'gpt-in',
      platform: 'openai',
      groups: [group.id],
    });
    const ungrouped = await createAccount(handle.db, {
      ...base,
      name: 'gpt-out',
      platform: 'openai',
    });
    const gemini = await createAccount(handle.db, { ...base, name: 'gem', platform: 'gemini' });

    const openai = await listAccounts(handle.db, { platform: 'openai' });
    expect(openai.map((a) => a.id)).toEqual([inGroup.id, ungrouped.id]);
    expect(openai[1]!.groupIds).toEqual([]);
    expect((await listAccounts(handle.db, { groupId: group.id })).map((a) => a.id)).toEqual([
      inGroup.id,
    ]);
    expect(
      (await listAccounts(handle.db, { platform: 'gemini', groupId: group.id })).map((a) => a.id),
    ).toEqual([]);
    expect((await listAccounts(handle.db)).map((a) => a.id)).toEqual(
      expect.arrayContaining([inGroup.id, ungrouped.id, gemini.id]),
    );
  });

  it('updates the given fields, clears fields set to null and leaves the rest', async () => {
    const created = await createAccount(handle.db, {
      name: 'upd',
      platform: 'anthropic',
      type: 'oauth',
      credentialsEncrypted: cipher.encrypt({ refreshToken: 'r' }),
      baseUrl: 'http://sim',
    });
    const resetAt = new Date('2031-05-06T07:08:09.123Z');
    const updated = await updateAccount(handle.db, created.id, {
      rateLimitResetAt: resetAt,
      stateObservedAt: new Date('2031-05-06T07:00:00Z'),
      tempUnschedulableReason: 'overloaded',
      status: 'error',
      errorMessage: 'invalid_grant',
      baseUrl: null,
      priority: 5,
    });
    expect(updated).toMatchObject({
      name: 'upd',
      type: 'oauth',
      rateLimitResetAt: resetAt,
      tempUnschedulableReason: 'overloaded',
      status: 'error',
      errorMessage: 'invalid_grant',
      baseUrl: null,
      priority: 5,
      concurrency: 3,
    });
    expect(updated!.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());
    expect(await updateAccount(handle.db, 999_999, { name: 'x' })).toBeNull();
  });

  it('maps to the domain Account with epoch-ms times and group ids', async () => {
    const group = await createGroup(handle.db, { name: 'dom-g', platform: 'antigravity' });
    const created = await createAccount(handle.db, {
      name: 'ag-1',
      platform: 'antigravity',
      type: 'oauth',
      credentialsEncrypted: cipher.encrypt({ token: 't' }),
      mixedScheduling: true,
      concurrency: 7,
      priority: 20,
      groups: [group.id],
    });
    const overloadUntil = new Date('2032-01-01T00:00:01.500Z');
    const record = await updateAccount(handle.db, created.id, { overloadUntil });

    expect(toDomainAccount(record!)).toEqual({
      id: created.id,
      name: 'ag-1',
      platform: 'antigravity',
      type: 'oauth',
      status: 'active',
      schedulable: true,
      concurrency: 7,
      priority: 20,
      rateLimitResetAt: null,
      overloadUntil: overloadUntil.getTime(),
      tempUnschedulableUntil: null,
      tempUnschedulableReason: null,
      modelMapping: null,
      mixedScheduling: true,
      lastUsedAt: null,
      expiresAt: null,
      groupIds: [group.id],
    });
  });

  it('replaces the group set, and deleting an account or a group removes its links', async () => {
    const [g1, g2, g3] = await Promise.all(
      ['set-1', 'set-2', 'set-3'].map((name) =>
        createGroup(handle.db, { name, platform: 'gemini' }),
      ),
    );
    const account = await createAccount(handle.db, {
      name: 'set-acc',
      platform: 'gemini',
      type: 'apikey',
      credentialsEncrypted: cipher.encrypt('k'),
      groups: [g1!.id, g2!.id],
    });

    expect(await setAccountGroups(handle.db, account.id, [g3!.id, g2!.id])).toEqual(
      [g2!.id, g3!.id].sort((a, b) => a - b),
    );
    expect(await deleteGroup(handle.db, g3!.id)).toBe(true);
    expect((await getAccount(handle.db, account.id))!.groupIds).toEqual([g2!.id]);
    expect(await setAccountGroups(handle.db, account.id, [])).toEqual([]);

    await setAccountGroups(handle.db, account.id, [g1!.id]);
    expect(await deleteAccount(handle.db, account.id)).toBe(true);
    expect(await getAccount(handle.db, account.id)).toBeNull();
    const orphanLinks = await handle.db
      .selectFrom('account_groups')
      .select('group_id')
      .where('account_id', '=', account.id)
      .execute();
    expect(orphanLinks).toEqual([]);
  });

  it('joins a caller transaction and rolls back with it', async () => {
    const rollback = new Error('roll back');
    await expect(
      inTransaction(handle.db, async (trx) => {
        await createAccount(trx, {
          name: 'tx-acc',
          platform: 'openai',
          type: 'apikey',
          credentialsEncrypted: cipher.encrypt('k'),
        });
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    const names = (await listAccounts(handle.db)).map((account) => account.name);
    expect(names).not.toContain('tx-acc');
  });
});

describe('api keys repository', () => {
  it('stores only the hash and prefix, and finds the key by the hash of the presented key', async () => {
    const user = await createUser(handle.db, { email: 'keys@example.com', name: 'Keys' });
    const group = await createGroup(handle.db, { name: 'keys-g', platform: 'anthropic' });
    const generated = generateApiKey();
    const created = await createApiKey(handle.db, {
      name: 'ci',
      keyHash: generated.keyHash,
      keyPrefix: generated.keyPrefix,
      userId: user.id,
      groupId: group.id,
      quotaLimitUsd: 12.5,
      quotaTokensLimit: 10_000_000_000,
      rpmLimit: 60,
    });
    expect(created).toMatchObject({
      name: 'ci',
      keyPrefix: generated.keyPrefix,
      userId: user.id,
      groupId: group.id,
      status: 'active',
      quotaLimitUsd: 12.5,
      quotaUsedUsd: 0,
      quotaTokensLimit: 10_000_000_000,
      quotaTokensUsed: 0,
      concurrencyLimit: null,
      rpmLimit: 60,
      expiresAt: null,
    });
    expect(JSON.stringify(created)).not.toContain(generated.key);

    expect(await findApiKeyByHash(handle.db, hashApiKey(generated.key))).toEqual(created);
    expect(await findApiKeyByHash(handle.db, hashApiKey(`${generated.key}x`))).toBeNull();
    expect(await getApiKey(handle.db, created.id)).toEqual(created);
    expect(await listApiKeys(handle.db, { userId: user.id })).toEqual([created]);
    expect(await listApiKeys(handle.db, { groupId: group.id + 1000 })).toEqual([]);

    const disabled = await updateApiKeyStatus(handle.db, created.id, 'disabled');
    expect(disabled).toMatchObject({ id: created.id, status: 'disabled' });

    // Deleting the group detaches the key rather than deleting it.
    await deleteGroup(handle.db, group.id);
    expect((await getApiKey(handle.db, created.id))!.groupId).toBeNull();

    expect(await deleteApiKey(handle.db, created.id)).toBe(true);
    expect(await findApiKeyByHash(handle.db, generated.keyHash)).toBeNull();
    expect(await updateApiKeyStatus(handle.db, created.id, 'active')).toBeNull();
  });

  it('refuses two keys with the same hash', async () => {
    const generated = generateApiKey();
    const input = { name: 'a', keyHash: generated.keyHash, keyPrefix: generated.keyPrefix };
    await createApiKey(handle.db, input);
    await expect(createApiKey(handle.db, input)).rejects.toMatchObject({ code: '23505' });
  });
});
