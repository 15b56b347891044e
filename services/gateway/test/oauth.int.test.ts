import { randomBytes } from 'node:crypto';
import { Agent } from 'undici';
import {
  createAccount,
  createCredentialCipher,
  createDb,
  getAccount,
  type Db,
} from '@switchyard/db';
import { startHarness, type Harness } from '@switchyard/harness';
import { createRedis, KeyBuilder, type Redis } from '@switchyard/redis';
import { createUpstreamSim, type UpstreamSim } from '@switchyard/upstream-sim';
import { AccountStore, OAuthRefresher, OAuthRefreshError } from '../src/index.js';

// OAuth accounts against the simulator's token endpoint, with real Postgres and Redis: tokens
// about to expire are refreshed before use, stored encrypted, and refreshed once even when two
// gateway replicas need a fresh token at the same moment.
describe('OAuthRefresher', () => {
  let harness: Harness<{ redis: true; migrate: true }>;
  let db: Db;
  let redis: Redis;
  let sim: UpstreamSim;
  const cipher = createCredentialCipher(randomBytes(32).toString('base64'));
  const dispatcher = new Agent();

  beforeAll(async () => {
    harness = await startHarness({ redis: true, migrate: true });
    db = createDb({ url: harness.databaseUrl });
    redis = createRedis({ url: harness.redisUrl });
    sim = await createUpstreamSim();
  });
  afterAll(async () => {
    await dispatcher.close();
    await sim?.close();
    await redis?.quit();
    await db?.destroy();
    await harness?.stop();
  });

  /** One gateway replica's view: its own account cache and refresher. */
  function replica() {
    const store = new AccountStore({ db: db.db, cipher });
    const refresher = new OAuthRefresher({
      db: db.db,
      redis,
      keys: new KeyBuilder('oauth-test:'),
      cipher,
      store,
      dispatcher,
      tokenUrls: { anthropic: `${sim.url}/oauth/token`, openai: '', gemini: '', antigravity: '' },
      skewSeconds: 300,
      timeoutMs: 5_000,
    });
    return { store, refresher };
  }

  async function oauthAccount(refreshToken: string, expiresAt: number) {
    sim.control.setCredential(refreshToken, {
      singleUseRefreshTokens: true,
      accessTokenTtlSeconds: 3600,
    });
    return createAccount(db.db, {
      name: `oauth-${refreshToken}`,
      platform: 'anthropic',
      type: 'oauth',
      credentialsEncrypted: cipher.encrypt({ accessToken: 'stale-token', refreshToken, expiresAt }),
    });
  }

  it('refreshes a token about to expire and stores the new pair encrypted', async () => {
    const { id } = await oauthAccount('rt-expiring', Date.now() + 60_000);
    const { store, refresher } = replica();
    const fresh = await refresher.fresh(await store.get(id));
    expect(fresh.accessToken).not.toBe('stale-token');
    expect(fresh.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);
    const row = await getAccount(db.db, id);
    expect(row!.credentialsEncrypted).not.toContain(fresh.accessToken);
    expect(cipher.decrypt(row!.credentialsEncrypted)).toMatchObject({
      accessToken: fresh.accessToken,
      refreshToken: fresh.refreshToken,
    });
    // Now valid: the next request uses it without another refresh.
    expect(await refresher.fresh(await store.get(id))).toEqual(fresh);
    expect(
      sim.control.requests({ endpoint: 'oauth.token', credential: 'rt-expiring' }),
    ).toHaveLength(1);
  });

  it('refreshes once when two replicas need a fresh token at once (single-use refresh tokens)', async () => {
    const { id } = await oauthAccount('rt-shared', Date.now() - 1_000);
    const a = replica();
    const b = replica();
    const [ta, tb] = await Promise.all([
      a.refresher.fresh(await a.store.get(id)),
      b.refresher.fresh(await b.store.get(id)),
    ]);
    expect(ta.accessToken).toBe(tb.accessToken);
    expect(sim.control.requests({ endpoint: 'oauth.token', credential: 'rt-shared' })).toHaveLength(
      1,
    );
  });

  it('forces a refresh after a 401 even when the token looks valid', async () => {
    const { id } = await oauthAccount('rt-forced', Date.now() + 3_600_000);
    const { store, refresher } = replica();
    const before = await store.get(id);
    expect(await refresher.fresh(before)).toMatchObject({ accessToken: 'stale-token' });
    const after = await refresher.fresh(before, true);
    expect(after.accessToken).not.toBe('stale-token');
  });

  it('reports a refused refresh token as revoked', async () => {
    const { id } = await oauthAccount('rt-revoked', Date.now() - 1_000);
    sim.control.setCredential('rt-revoked', { rejectAuth: true });
    const { store, refresher } = replica();
    const failure = await refresher.fresh(await store.get(id)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OAuthRefreshError);
    expect(failure).toMatchObject({
      revoked: true,
      code: 'oauth_refresh_revoked',
      retryable: false,
    });
  });
});
