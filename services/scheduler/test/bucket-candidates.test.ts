import { makeTestAccount } from '@switchyard/harness';
import type { Account } from '@switchyard/domain';
import { KeyBuilder } from '@switchyard/redis';
import { BucketCandidates, BucketSource, liveCandidate } from '@switchyard/scheduler';

const keys = new KeyBuilder('sy:');

function account(id: number): Account {
  return makeTestAccount({ id, name: `a${id}`, groupIds: [1] });
}

function bucket(ids: number[], liveLoadLimit: number): BucketCandidates {
  return new BucketCandidates({
    key: 'g1:anthropic:mixed',
    version: 3,
    source: BucketSource.Snapshot,
    loadedAt: 0,
    candidates: ids.map((id) => liveCandidate(account(id), null, keys)),
    liveLoadLimit,
  });
}

describe('BucketCandidates', () => {
  it('lists slot keys then waiting keys for a bucket read live', () => {
    const b = bucket([4, 9], 10);
    expect(b.liveLoads).toBe(true);
    expect(b.loadKeys).toEqual([keys.slots(4), keys.slots(9), keys.waiting(4), keys.waiting(9)]);
  });

  it('reads no loads per select once it is larger than the live limit', () => {
    const b = bucket([1, 2, 3], 2);
    expect(b.liveLoads).toBe(false);
    expect(b.loadKeys).toEqual([]);
  });

  it('writes loads read as [inUse…, waiting…] into its candidates in place', () => {
    const b = bucket([4, 9], 10);
    const before = b.get(9);
    b.writeLoads([-1, -1, -1, 2, 3, 0, 1], 3);
    expect(b.get(4)?.load).toEqual({ inUse: 2, waiting: 0 });
    expect(b.get(9)?.load).toEqual({ inUse: 3, waiting: 1 });
    expect(b.get(9)).toBe(before);
  });

  it('finds candidates by account id', () => {
    const b = bucket([4, 9], 10);
    expect(b.get(9)?.account.id).toBe(9);
    expect(b.get(5)).toBeUndefined();
    expect(b.size).toBe(2);
  });
});
