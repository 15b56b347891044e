import { hashApiKey } from '@switchyard/db';
import type { AccountEvent } from '@switchyard/contracts';
import { parseCredentials } from '../src/credentials/account-credentials.js';
import { ADMIN_BASE_PATH } from '../src/admin/index.js';
import { ADMIN_TOKEN, startAdminTestStack } from './admin-test-stack.js';
import type { AdminTestStack } from './admin-test-stack.js';

let stack: AdminTestStack;

beforeAll(async () => {
  stack = await startAdminTestStack();
});

afterAll(() => stack?.stop());

type Json = Record<string, unknown>;

async function created(path: string, body: unknown): Promise<Json> {
  const res = await stack.call('POST', path, body);
  expect(res.status).toBe(201);
  return res.body as Json;
}

const forAccount = (type: AccountEvent['type'], accountId: number) => (e: AccountEvent) =>
  e.type === type && 'accountId' in e && e.accountId === accountId;

describe('admin token', () => {
  it('refuses a request without the token or with a wrong one', async () => {
    const none = await fetch(`${stack.server.url}${ADMIN_BASE_PATH}/groups`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: 'authentication' } });
    const wrong = await fetch(`${stack.server.url}${ADMIN_BASE_PATH}/groups`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}x` },
    });
    expect(wrong.status).toBe(401);
  });
});

describe('groups', () => {
  it('round-trips create, read, update, list and delete, announcing group_changed each time', async () => {
    const group = await created('/groups', { name: 'g-round', platform: 'openai' });
    expect(group).toMatchObject({ name: 'g-round', platform: 'openai', status: 'active' });
    const id = group['id'] as number;
    const isMine = (e: AccountEvent) => e.type === 'group_changed' && e.groupId === id;
    await stack.eventsWhere(isMine, 1);

    expect((await stack.call('GET', `/groups/${id}`)).body).toEqual(group);
    const updated = await stack.call('PATCH', `/groups/${id}`, {
      description: 'pool',
      status: 'disabled',
    });
    expect(updated.body).toMatchObject({ id, description: 'pool', status: 'disabled' });
    await stack.eventsWhere(isMine, 2);

    const list = (await stack.call('GET', '/groups?platform=openai')).body as { data: Json[] };
    expect(list.data.map((g) => g['id'])).toContain(id);

    expect((await stack.call('DELETE', `/groups/${id}`)).status).toBe(204);
    await stack.eventsWhere(isMine, 3);
    expect((await stack.call('GET', `/groups/${id}`)).status).toBe(404);
  });

  it('answers a taken name with 409', async () => {
    await created('/groups', { name: 'g-taken', platform: 'gemini' });
    const again = await stack.call('POST', '/groups', { name: 'g-taken', platform: 'gemini' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'conflict' } });
  });

  it('tells former members their membership when a group is deleted', async () => {
    const keep = await created('/groups', { name: 'g-keep', platform: 'anthropic' });
    const drop = await created('/groups', { name: 'g-drop', platform: 'anthropic' });
    const account = await created('/accounts', {
      name: 'member',
      platform: 'anthropic',
      type: 'apikey',
      credentials: { apiKey: 'sk-ant-member' },
      groupIds: [keep['id'], drop['id']],
    });
    const accountId = account['id'] as number;
    expect((await stack.call('DELETE', `/groups/${drop['id'] as number}`)).status).toBe(204);
    const [, afterDelete] = await stack.eventsWhere(
      forAccount('account_groups_changed', accountId),
      2,
    );
    expect(afterDelete).toMatchObject({ groupIds: [keep['id']] });
  });
});

describe('accounts', () => {
  let groupA: number;
  let groupB: number;

  beforeAll(async () => {
    groupA = (await created('/groups', { name: 'acct-a', platform: 'anthropic' }))['id'] as number;
    groupB = (await created('/groups', { name: 'acct-b', platform: 'anthropic' }))['id'] as number;
  });

  it('round-trips an account and announces each change', async () => {
    const secret = 'sk-ant-api03-very-secret-value';
    const account = await created('/accounts', {
      name: 'acct-1',
      platform: 'anthropic',
      type: 'apikey',
      credentials: { apiKey: secret },
      concurrency: 4,
      priority: 10,
      groupIds: [groupA],
      modelMapping: { 'claude-*': 'claude-sonnet-4' },
    });
    const id = account['id'] as number;
    expect(account).toMatchObject({
      name: 'acct-1',
      concurrency: 4,
      priority: 10,
      groupIds: [groupA],
      schedulable: true,
      status: 'active',
    });
    await stack.eventsWhere(forAccount('account_changed', id));
    const [groupsEvent] = await stack.eventsWhere(forAccount('account_groups_changed', id));
    expect(groupsEvent).toMatchObject({ groupIds: [groupA] });

    expect((await stack.call('GET', `/accounts/${id}`)).body).toEqual(account);
    const list = (await stack.call('GET', `/accounts?groupId=${groupA}`)).body as { data: Json[] };
    expect(list.data.map((a) => a['id'])).toEqual([id]);

    const patched = await stack.call('PATCH', `/accounts/${id}`, {
      name: 'acct-1b',
      concurrency: 8,
    });
    expect(patched.body).toMatchObject({ id, name: 'acct-1b', concurrency: 8 });
    await stack.eventsWhere(forAccount('account_changed', id), 2);

    const moved = await stack.call('PUT', `/accounts/${id}/groups`, { groupIds: [groupB] });
    expect(moved.body).toMatchObject({ groupIds: [groupB] });
    const membership = await stack.eventsWhere(forAccount('account_groups_changed', id), 2);
    expect(membership[1]).toMatchObject({ groupIds: [groupB] });

    expect((await stack.call('DELETE', `/accounts/${id}`)).status).toBe(204);
    await stack.eventsWhere(forAccount('account_changed', id), 3);
    const gone = await stack.call('GET', `/accounts/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ error: { code: 'not_found' } });
  });

  it('stores credentials encrypted and never returns them', async () => {
    const secret = 'sk-ant-api03-never-shown';
    const account = await created('/accounts', {
      name: 'acct-secret',
      platform: 'anthropic',
      type: 'apikey',
      credentials: { apiKey: secret },
    });
    const id = account['id'] as number;
    const row = await stack.db.db
      .selectFrom('accounts')
      .select('credentials_encrypted')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.credentials_encrypted).toMatch(/^v1:/);
    expect(row.credentials_encrypted).not.toContain(secret);
    const stored = stack.cipher.decrypt(row.credentials_encrypted);
    expect(stored).toEqual({ apiKey: secret });
    // The relay reads what the admin API wrote.
    expect(parseCredentials('apikey', stored)).toEqual({ type: 'apikey', apiKey: secret });

    const oauth = await created('/accounts', {
      name: 'acct-oauth',
      platform: 'anthropic',
      type: 'oauth',
      credentials: {
        accessToken: 'at-secret',
        refreshToken: 'rt-secret',
        expiresAt: '2031-01-01T00:00:00Z',
      },
    });
    const rotated = await stack.call('PATCH', `/accounts/${id}`, {
      credentials: { apiKey: 'sk-ant-api03-rotated' },
    });
    expect(rotated.status).toBe(200);

    const everything = JSON.stringify([
      account,
      oauth,
      rotated.body,
      (await stack.call('GET', `/accounts/${id}`)).body,
      (await stack.call('GET', '/accounts')).body,
    ]);
    for (const leaked of [secret, 'sk-ant-api03-rotated', 'at-secret', 'rt-secret', 'v1:']) {
      expect(everything).not.toContain(leaked);
    }
    expect(everything).not.toMatch(/credential/i);
    const logs = stack.logLines.join('\n');
    for (const leaked of [secret, 'sk-ant-api03-rotated', 'at-secret', 'rt-secret', ADMIN_TOKEN]) {
      expect(logs).not.toContain(leaked);
    }
    const oauthRow = await stack.db.db
      .selectFrom('accounts')
      .select('credentials_encrypted')
      .where('id', '=', oauth['id'] as number)
      .executeTakeFirstOrThrow();
    expect(parseCredentials('oauth', stack.cipher.decrypt(oauthRow.credentials_encrypted))).toEqual(
      {
        type: 'oauth',
        accessToken: 'at-secret',
        refreshToken: 'rt-secret',
        expiresAt: Date.parse('2031-01-01T00:00:00Z'),
      },
    );
  });

  it('clears a rate limit and announces it as account state', async () => {
    const account = await created('/accounts', {
      name: 'acct-limited',
      platform: 'anthropic',
      type: 'apikey',
      credentials: { apiKey: 'k' },
    });
    const id = account['id'] as number;
    const later = new Date(Date.now() + 3_600_000);
    await stack.db.db
      .updateTable('accounts')
      .set({ rate_limit_reset_at: later, overload_until: later, temp_unschedulable_until: later })
      .where('id', '=', id)
      .execute();

    const cleared = await stack.call('POST', `/accounts/${id}/clear-rate-limit`);
    expect(cleared.body).toMatchObject({
      rateLimitResetAt: null,
      overloadUntil: null,
      tempUnschedulableUntil: null,
    });
    const [state] = await stack.eventsWhere(forAccount('account_state', id));
    expect(state).toMatchObject({
      rateLimitResetAt: null,
      overloadUntil: null,
      tempUnschedulableUntil: null,
      tempUnschedulableReason: null,
    });
  });

  it('sets schedulable and announces it as account state', async () => {
    const account = await created('/accounts', {
      name: 'acct-sched',
      platform: 'openai',
      type: 'apikey',
      credentials: { apiKey: 'k' },
    });
    const id = account['id'] as number;
    const off = await stack.call('PUT', `/accounts/${id}/schedulable`, { schedulable: false });
    expect(off.body).toMatchObject({ id, schedulable: false });
    const [state] = await stack.eventsWhere(forAccount('account_state', id));
    expect(state).toMatchObject({ schedulable: false });
    expect(state).not.toHaveProperty('rateLimitResetAt');
  });

  it('answers bad input with 400 naming the fields', async () => {
    const missing = await stack.call('POST', '/accounts', { platform: 'nowhere', type: 'apikey' });
    expect(missing.status).toBe(400);
    const paths = (missing.body as { error: { issues: { path: string }[] } }).error.issues.map(
      (i) => i.path,
    );
    expect(paths).toEqual(expect.arrayContaining(['name', 'platform', 'credentials']));

    const oauth = await stack.call('POST', '/accounts', {
      name: 'x',
      platform: 'anthropic',
      type: 'oauth',
      credentials: { accessToken: 'a', expiresAt: 1 },
    });
    expect(oauth.status).toBe(400);
    expect(oauth.body).toMatchObject({ error: { issues: [{ path: 'credentials.refreshToken' }] } });
    expect(JSON.stringify(oauth.body)).not.toContain('"a"');

    const unknownGroup = await stack.call('POST', '/accounts', {
      name: 'x',
      platform: 'anthropic',
      type: 'apikey',
      credentials: { apiKey: 'k' },
      groupIds: [999_999],
    });
    expect(unknownGroup.body).toMatchObject({ error: { issues: [{ path: 'groupIds' }] } });

    expect((await stack.call('GET', '/accounts/abc')).status).toBe(400);
    expect((await stack.call('PATCH', '/accounts/999999', { name: 'x' })).status).toBe(404);
    expect((await stack.call('PATCH', '/groups/1', {})).status).toBe(400);
    const typo = await stack.call('POST', '/groups', { name: 'x', platform: 'openai', colour: 1 });
    expect(typo.status).toBe(400);
    const malformed = await fetch(`${stack.server.url}${ADMIN_BASE_PATH}/groups`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(malformed.status).toBe(400);
    expect((await stack.call('GET', '/nothing-here')).status).toBe(404);
  });

  it('refuses a type change without new credentials', async () => {
    const account = await created('/accounts', {
      name: 'acct-type',
      platform: 'anthropic',
      type: 'apikey',
      credentials: { apiKey: 'k' },
    });
    const res = await stack.call('PATCH', `/accounts/${account['id'] as number}`, {
      type: 'oauth',
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { issues: [{ path: 'credentials' }] } });
  });
});

describe('api keys', () => {
  it('shows the key once, stores only its hash, and lists the prefix', async () => {
    const group = await created('/groups', { name: 'keys-g', platform: 'gemini' });
    const createdKey = await created('/api-keys', {
      name: 'ci',
      groupId: group['id'],
      rpmLimit: 60,
      concurrencyLimit: 2,
      quotaLimitUsd: 12.5,
      expiresAt: '2032-01-01T00:00:00.000Z',
    });
    const key = createdKey['key'] as string;
    const id = createdKey['id'] as number;
    expect(key).toMatch(/^sk-sy-/);
    expect(createdKey).toMatchObject({
      groupId: group['id'],
      rpmLimit: 60,
      concurrencyLimit: 2,
      quotaLimitUsd: 12.5,
      keyPrefix: key.slice(0, 10),
      expiresAt: '2032-01-01T00:00:00.000Z',
    });
    const row = await stack.db.db
      .selectFrom('api_keys')
      .select('key_hash')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(hashApiKey(key));

    const shown = JSON.stringify([
      (await stack.call('GET', `/api-keys/${id}`)).body,
      (await stack.call('GET', '/api-keys')).body,
    ]);
    expect(shown).toContain(key.slice(0, 10));
    expect(shown).not.toContain(key);
    expect(shown).not.toContain(row.key_hash);
    expect(stack.logLines.join('\n')).not.toContain(key);

    const patched = await stack.call('PATCH', `/api-keys/${id}`, {
      status: 'disabled',
      rpmLimit: null,
      quotaTokensLimit: 1000,
    });
    expect(patched.body).toMatchObject({
      status: 'disabled',
      rpmLimit: null,
      quotaTokensLimit: 1000,
    });
    expect(stack.changedKeyHashes).toContain(row.key_hash);

    expect((await stack.call('DELETE', `/api-keys/${id}`)).status).toBe(204);
    expect((await stack.call('GET', `/api-keys/${id}`)).status).toBe(404);
  });

  it('refuses a key for a group or user that does not exist', async () => {
    const res = await stack.call('POST', '/api-keys', {
      name: 'x',
      groupId: 424242,
      userId: 434343,
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { issues: [{ path: 'groupId' }] } });
  });
});

describe('when account events cannot be published', () => {
  it('answers 503 saying the change was saved', async () => {
    const broken = await startAdminTestStack({ eventsUnpublishable: true });
    try {
      const res = await broken.call('POST', '/groups', { name: 'saved', platform: 'openai' });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ error: { code: 'service_unavailable' } });
      const rows = await broken.db.db.selectFrom('groups').select('name').execute();
      expect(rows.map((r) => r.name)).toEqual(['saved']);
    } finally {
      await broken.stop();
    }
  });
});
