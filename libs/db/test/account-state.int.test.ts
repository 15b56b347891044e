import { AccountStatus, AccountType, Platform } from '@switchyard/domain';
import {
  createAccount,
  createDb,
  createGroup,
  deleteAccount,
  getAccount,
  loadAccountsById,
  loadBucketAccounts,
  persistAccountState,
  PersistStateOutcome,
  recordAccountsLastUsed,
  setAccountGroups,
} from '@switchyard/db';
import type { Db } from '@switchyard/db';
import { startHarness } from '@switchyard/harness';
import type { Harness } from '@switchyard/harness';

const T0 = 1_700_000_000_000;

let harness: Harness<{ migrate: true }>;
let handle: Db;

beforeAll(async () => {
  harness = await startHarness({ migrate: true });
  handle = createDb({ url: harness.databaseUrl });
});

afterAll(async () => {
  await handle?.destroy();
  await harness?.stop();
});

async function newAccount(name: string) {
  return createAccount(handle.db, {
    name,
    platform: Platform.Anthropic,
    type: AccountType.ApiKey,
    credentialsEncrypted: 'blob',
  });
}

describe('persistAccountState', () => {
  it('writes the fields present and records when they were observed', async () => {
    const { id } = await newAccount('state-1');
    const outcome = await persistAccountState(handle.db, id, {
      rateLimitResetAt: T0 + 60_000,
      tempUnschedulableReason: 'quota',
      observedAt: T0,
    });
    expect(outcome).toBe(PersistStateOutcome.Applied);
    const row = await getAccount(handle.db, id);
    expect(row?.rateLimitResetAt?.getTime()).toBe(T0 + 60_000);
    expect(row?.tempUnschedulableReason).toBe('quota');
    expect(row?.stateObservedAt?.getTime()).toBe(T0);
    expect(row?.overloadUntil).toBeNull();
    expect(row?.status).toBe(AccountStatus.Active);
  });

  it('never lets an older observation overwrite a newer one', async () => {
    const { id } = await newAccount('state-2');
    await persistAccountState(handle.db, id, { overloadUntil: T0 + 9_000, observedAt: T0 + 5 });
    const late = await persistAccountState(handle.db, id, { overloadUntil: null, observedAt: T0 });
    expect(late).toBe(PersistStateOutcome.Stale);
    const row = await getAccount(handle.db, id);
    expect(row?.overloadUntil?.getTime()).toBe(T0 + 9_000);
    expect(row?.stateObservedAt?.getTime()).toBe(T0 + 5);
  });

  it('treats the same observation delivered twice as already applied', async () => {
    const { id } = await newAccount('state-3');
    const patch = { status: AccountStatus.Error, schedulable: false, observedAt: T0 };
    expect(await persistAccountState(handle.db, id, patch)).toBe(PersistStateOutcome.Applied);
    const before = await getAccount(handle.db, id);
    expect(await persistAccountState(handle.db, id, patch)).toBe(PersistStateOutcome.Stale);
    expect(await getAccount(handle.db, id)).toEqual(before);
  });

  it('clears a field set to null by a newer observation', async () => {
    const { id } = await newAccount('state-4');
    await persistAccountState(handle.db, id, { rateLimitResetAt: T0 + 1, observedAt: T0 });
    await persistAccountState(handle.db, id, { rateLimitResetAt: null, observedAt: T0 + 1 });
    expect((await getAccount(handle.db, id))?.rateLimitResetAt).toBeNull();
  });

  it('reports an account that does not exist', async () => {
    const { id } = await newAccount('state-5');
    await deleteAccount(handle.db, id);
    expect(await persistAccountState(handle.db, id, { observedAt: T0 })).toBe(
      PersistStateOutcome.Missing,
    );
  });
});

describe('recordAccountsLastUsed', () => {
  it('moves last_used_at forward and never back', async () => {
    const a = await newAccount('used-a');
    const b = await newAccount('used-b');
    expect(
      await recordAccountsLastUsed(handle.db, [
        { accountId: a.id, at: T0 + 10 },
        { accountId: b.id, at: T0 + 20 },
        { accountId: a.id, at: T0 + 30 },
      ]),
    ).toEqual([a.id, b.id]);
    expect(await recordAccountsLastUsed(handle.db, [{ accountId: a.id, at: T0 }])).toEqual([]);
    expect((await getAccount(handle.db, a.id))?.lastUsedAt?.getTime()).toBe(T0 + 30);
    expect((await getAccount(handle.db, b.id))?.lastUsedAt?.getTime()).toBe(T0 + 20);
  });
});

describe('loadAccountsById', () => {
  it('returns the scheduling view of existing accounts, as the bucket query does', async () => {
    const group = await createGroup(handle.db, { name: 'by-id', platform: Platform.Anthropic });
    const a = await newAccount('by-id-a');
    await setAccountGroups(handle.db, a.id, [group.id]);
    const gone = await newAccount('by-id-gone');
    await deleteAccount(handle.db, gone.id);
    const found = await loadAccountsById(handle.db, [a.id, gone.id, a.id]);
    expect([...found.keys()]).toEqual([a.id]);
    const [inBucket] = await loadBucketAccounts(handle.db, `g${group.id}:anthropic:single`);
    expect(found.get(a.id)).toEqual(inBucket);
    expect(found.get(a.id)).not.toHaveProperty('credentialsEncrypted');
  });
});
