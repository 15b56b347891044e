import type { SelectRequestInput, SelectedAccount } from '@switchyard/contracts';
import { SessionLeases } from '../src/index.js';

const ACCOUNT: SelectedAccount = { id: 4, platform: 'anthropic', type: 'apikey', concurrency: 3 };
const OTHER: SelectedAccount = { ...ACCOUNT, id: 5 };

const input = (overrides: Partial<SelectRequestInput> = {}): SelectRequestInput => ({
  requestId: 'req-1',
  groupId: 2,
  platform: 'anthropic',
  sessionHash: 'conv-1',
  model: 'claude-sonnet-4-6',
  ...overrides,
});

function leases(capacity = 100) {
  let now = 1_000_000;
  const held = new SessionLeases(capacity, () => now);
  return { held, advance: (ms: number) => (now += ms) };
}

/** Grants a lease as a select answer would: mark, then grant. */
function granted(held: SessionLeases, req = input(), account = ACCOUNT, ttlMs = 10_000): string {
  const key = held.keyOf(req)!;
  held.grant(key, account, ttlMs, held.mark());
  return key;
}

describe('SessionLeases', () => {
  it('keys a lease on every select input the decision read, and not on the request id', () => {
    const { held } = leases();
    const key = held.keyOf(input())!;
    expect(held.keyOf(input({ requestId: 'req-2' }))).toBe(key);
    for (const other of [
      { groupId: 3 },
      { platform: 'gemini' as const },
      { forcePlatform: true },
      { sessionHash: 'conv-2' },
      { model: 'claude-opus-4-1' },
      { model: undefined },
      { transport: 'ws' as const },
    ]) {
      expect(held.keyOf(input(other))).not.toBe(key);
    }
  });

  it('has no key for a request without a session, following a response, failing over or retried', () => {
    const { held } = leases();
    expect(held.keyOf(input({ sessionHash: undefined }))).toBeNull();
    expect(held.keyOf(input({ previousResponseId: 'resp_1' }))).toBeNull();
    expect(held.keyOf(input({ excludedAccountIds: [9] }))).toBeNull();
    expect(held.keyOf(input({ attempt: 2 }))).toBeNull();
    expect(held.keyOf(input({ excludedAccountIds: [] }))).not.toBeNull();
  });

  it('finds a granted lease until its ttl runs out', () => {
    const { held, advance } = leases();
    const key = granted(held);
    expect(held.find(key)).toMatchObject({ account: ACCOUNT });
    advance(9_999);
    expect(held.find(key)).not.toBeNull();
    advance(1);
    expect(held.find(key)).toBeNull();
    expect(held.size).toBe(0);
  });

  it('ends every lease on an account that is forgotten, and only those', () => {
    const { held } = leases();
    const a = granted(held, input({ sessionHash: 'a' }));
    const b = granted(held, input({ sessionHash: 'b' }));
    const c = granted(held, input({ sessionHash: 'c' }), OTHER);
    held.forgetAccount(ACCOUNT.id);
    expect(held.find(a)).toBeNull();
    expect(held.find(b)).toBeNull();
    expect(held.find(c)).not.toBeNull();
    // A lease granted after the forget is good again.
    expect(held.find(granted(held, input({ sessionHash: 'a' })))).not.toBeNull();
  });

  it('refuses a lease whose account was forgotten while its select was in flight', () => {
    const { held } = leases();
    const key = held.keyOf(input())!;
    const since = held.mark();
    held.forgetAccount(ACCOUNT.id);
    held.grant(key, ACCOUNT, 10_000, since);
    expect(held.find(key)).toBeNull();
    // Another account's event in between does not matter.
    const since2 = held.mark();
    held.forgetAccount(OTHER.id);
    held.grant(key, ACCOUNT, 10_000, since2);
    expect(held.find(key)).not.toBeNull();
  });

  it('says whether a lease mark is outdated by a forget, and tells its listener of each', () => {
    const told: string[] = [];
    const held = new SessionLeases(100, Date.now, {
      account: (id) => told.push(`account ${id}`),
      all: () => told.push('all'),
    });
    const since = held.mark();
    expect(held.grant(held.keyOf(input())!, ACCOUNT, 10_000, since)).toBe(true);
    expect(held.forgottenSince(ACCOUNT.id, since)).toBe(false);
    held.forgetAccount(OTHER.id);
    expect(held.forgottenSince(ACCOUNT.id, since)).toBe(false);
    held.forgetAccount(ACCOUNT.id);
    expect(held.forgottenSince(ACCOUNT.id, since)).toBe(true);
    expect(held.grant(held.keyOf(input())!, ACCOUNT, 10_000, since)).toBe(false);
    const later = held.mark();
    held.forgetAll();
    expect(held.forgottenSince(OTHER.id, later)).toBe(true);
    expect(told).toEqual([`account ${OTHER.id}`, `account ${ACCOUNT.id}`, 'all']);
  });

  it('ends every lease, in flight ones included, on forgetAll', () => {
    const { held } = leases();
    const a = granted(held, input({ sessionHash: 'a' }));
    const since = held.mark();
    held.forgetAll();
    const b = held.keyOf(input({ sessionHash: 'b' }))!;
    held.grant(b, OTHER, 10_000, since);
    expect(held.find(a)).toBeNull();
    expect(held.find(b)).toBeNull();
    expect(held.find(granted(held, input({ sessionHash: 'c' })))).not.toBeNull();
  });

  it('drops one lease on demand', () => {
    const { held } = leases();
    const key = granted(held);
    held.drop(key);
    expect(held.find(key)).toBeNull();
  });

  it('holds at most its capacity, evicting the oldest grant', () => {
    const { held } = leases(2);
    const a = granted(held, input({ sessionHash: 'a' }));
    const b = granted(held, input({ sessionHash: 'b' }));
    granted(held, input({ sessionHash: 'a' })); // renewed: now the newest
    const c = granted(held, input({ sessionHash: 'c' }));
    expect(held.size).toBe(2);
    expect(held.find(b)).toBeNull();
    expect(held.find(a)).not.toBeNull();
    expect(held.find(c)).not.toBeNull();
  });

  it('does nothing with capacity 0', () => {
    const { held } = leases(0);
    expect(held.enabled).toBe(false);
    expect(held.keyOf(input())).toBeNull();
    held.grant('k', ACCOUNT, 10_000, held.mark());
    expect(held.size).toBe(0);
  });
});
