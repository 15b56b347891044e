import { SessionCache } from '@switchyard/scheduler';

describe('SessionCache', () => {
  it('answers null (unbound) for a session it never saw', () => {
    expect(new SessionCache(4).get('s')).toBeNull();
  });

  it('remembers bindings and their absence', () => {
    const cache = new SessionCache(4);
    cache.set('a', 7);
    cache.set('b', null);
    expect([cache.get('a'), cache.get('b')]).toEqual([7, null]);
  });

  it('forgets the least recently used session beyond its capacity', () => {
    const cache = new SessionCache(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    expect(cache.size).toBe(2);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, null, 3]);
  });
});
