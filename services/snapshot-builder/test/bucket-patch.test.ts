import { makeTestAccount } from '@switchyard/harness';
import { AccountStatus, Platform } from '@switchyard/domain';
import type { Account } from '@switchyard/domain';
import { bucketsAffected, groupBuckets, patchMembers } from '@switchyard/snapshot-builder';

function account(id: number, overrides: Partial<Account> = {}): Account {
  return makeTestAccount({ id, name: `a${id}`, groupIds: [1], ...overrides });
}

describe('bucketsAffected', () => {
  it('names the buckets the account leaves as well as those it joins', () => {
    const before = account(1, { groupIds: [1] });
    const after = account(1, { groupIds: [2], platform: Platform.Gemini });
    expect(bucketsAffected(before, after).sort()).toEqual([
      'g1:anthropic:forced',
      'g1:anthropic:mixed',
      'g1:anthropic:single',
      'g2:gemini:forced',
      'g2:gemini:mixed',
      'g2:gemini:single',
    ]);
  });

  it('covers the mixed buckets a mixed-scheduling antigravity account also sits in', () => {
    const ag = account(1, { platform: Platform.Antigravity, mixedScheduling: true, groupIds: [] });
    expect(bucketsAffected(undefined, ag)).toEqual(
      expect.arrayContaining(['g0:anthropic:mixed', 'g0:gemini:mixed', 'g0:antigravity:single']),
    );
    expect(bucketsAffected(ag, undefined)).toHaveLength(5);
  });

  it('is empty for an account that exists on neither side', () => {
    expect(bucketsAffected(undefined, undefined)).toEqual([]);
  });
});

describe('groupBuckets', () => {
  it('lists every platform in every mode for the group', () => {
    expect(groupBuckets(7)).toHaveLength(12);
    expect(groupBuckets(7)).toContain('g7:antigravity:forced');
  });
});

describe('patchMembers', () => {
  const members = [account(1), account(3), account(5)];

  it('replaces a changed member with its new state and leaves the others as they were', () => {
    const changed = account(3, { status: AccountStatus.Error });
    expect(patchMembers(members, 'g1:anthropic:single', new Map([[3, changed]]))).toEqual([
      members[0],
      changed,
      members[2],
    ]);
  });

  it('removes a member that was deleted or no longer belongs, and adds one that now does', () => {
    const changes = new Map<number, Account | undefined>([
      [1, undefined],
      [3, account(3, { groupIds: [2] })],
      [4, account(4)],
    ]);
    expect(patchMembers(members, 'g1:anthropic:single', changes).map((a) => a.id)).toEqual([4, 5]);
  });

  it('keeps members ordered by id, like the bucket query', () => {
    const changes = new Map([[2, account(2)]]);
    expect(patchMembers(members, 'g1:anthropic:single', changes).map((a) => a.id)).toEqual([
      1, 2, 3, 5,
    ]);
  });

  it('does not touch members it was not told about, even when they would no longer belong', () => {
    // Their own events will move them; the bucket must keep matching their records meanwhile.
    const stale = [account(9, { groupIds: [4] })];
    expect(patchMembers(stale, 'g1:anthropic:single', new Map())).toEqual(stale);
  });
});
