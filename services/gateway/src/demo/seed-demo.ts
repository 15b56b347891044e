import type { Kysely } from 'kysely';
import {
  createAccount,
  createApiKey,
  createGroup,
  createUser,
  findApiKeyByHash,
  generateApiKey,
  getUserByEmail,
  hashApiKey,
  listAccounts,
  listGroups,
  updateAccount,
  type CredentialCipher,
  type Database,
  type GroupRecord,
} from '@switchyard/db';
import type { Platform } from '@switchyard/domain';

/** What `npm start` writes to `.local/demo.json`. */
export type DemoInfo = {
  gatewayUrl: string;
  adminToken: string;
  apiKeys: Record<Platform, string>;
};

export type SeedDemoOptions = {
  /** Base URL of the upstream simulator; every demo account points at it. */
  simUrl: string;
  gatewayUrl: string;
  adminToken: string;
  /** Keys from an earlier seed: reused when they still exist, so pasted curls keep working. */
  previousKeys?: Partial<Record<Platform, string>>;
  accountsPerPlatform?: number;
};

const DEMO_PLATFORMS: readonly Platform[] = ['anthropic', 'openai', 'gemini', 'antigravity'];
const DEMO_USER_EMAIL = 'demo@switchyard.local';

/**
 * Seeds (idempotently) a group per platform, `accountsPerPlatform` API-key accounts per group
 * pointing at the simulator (each with its own credential, so the simulator can fault one
 * account and not the others), and one API key per group.
 */
export async function seedDemo(
  db: Kysely<Database>,
  cipher: CredentialCipher,
  opts: SeedDemoOptions,
): Promise<DemoInfo> {
  const perPlatform = opts.accountsPerPlatform ?? 3;
  const user =
    (await getUserByEmail(db, DEMO_USER_EMAIL)) ??
    (await createUser(db, { email: DEMO_USER_EMAIL, name: 'Demo user' }));
  const groups = await listGroups(db);
  const apiKeys = {} as Record<Platform, string>;

  for (const platform of DEMO_PLATFORMS) {
    const group = await ensureGroup(db, groups, platform);
    const baseUrl = platform === 'antigravity' ? `${opts.simUrl}/antigravity` : opts.simUrl;
    const existing = await listAccounts(db, { groupId: group.id });
    for (let n = 1; n <= perPlatform; n++) {
      const name = `demo-${platform}-${n}`;
      const found = existing.find((a) => a.name === name);
      if (found) {
        if (found.baseUrl !== baseUrl) await updateAccount(db, found.id, { baseUrl });
        continue;
      }
      await createAccount(db, {
        name,
        platform,
        type: 'apikey',
        credentialsEncrypted: cipher.encrypt({ apiKey: `sim-${platform}-${n}` }),
        baseUrl,
        groups: [group.id],
      });
    }
    apiKeys[platform] = await ensureApiKey(db, group, user.id, opts.previousKeys?.[platform]);
  }
  return { gatewayUrl: opts.gatewayUrl, adminToken: opts.adminToken, apiKeys };
}

async function ensureGroup(
  db: Kysely<Database>,
  groups: GroupRecord[],
  platform: Platform,
): Promise<GroupRecord> {
  const name = `demo-${platform}`;
  return (
    groups.find((g) => g.name === name) ??
    (await createGroup(db, { name, platform, description: `Demo ${platform} accounts` }))
  );
}

async function ensureApiKey(
  db: Kysely<Database>,
  group: GroupRecord,
  userId: number,
  previous: string | undefined,
): Promise<string> {
  if (previous) {
    const row = await findApiKeyByHash(db, hashApiKey(previous));
    if (row && row.groupId === group.id && row.status === 'active') return previous;
  }
  const key = generateApiKey();
  await createApiKey(db, {
    name: `demo-${group.platform}`,
    keyHash: key.keyHash,
    keyPrefix: key.keyPrefix,
    groupId: group.id,
    userId,
  });
  return key.key;
}
