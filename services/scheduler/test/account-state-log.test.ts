import { makeTestAccount } from '@switchyard/harness';
import type { Account } from '@switchyard/domain';
import { AccountStateLog } from '@switchyard/scheduler';

const account: Account = makeTestAccount({ id: 7, name: 'a' });

describe('AccountStateLog', () => {
  it('refuses a state observed before (or with) the last one applied', () => {
    const log = new AccountStateLog(60_000);
    expect(log.accept(7, { rateLimitResetAt: 5_000, observedAt: 1_000 }, 1_000)).toBe(true);
    expect(log.accept(7, { rateLimitResetAt: null, observedAt: 900 }, 1_001)).toBe(false);
    expect(log.accept(7, { overloadUntil: 9_000, observedAt: 1_000 }, 1_002)).toBe(false);
    expect(log.accept(7, { overloadUntil: 9_000, observedAt: 1_001 }, 1_002)).toBe(true);
  });

  it('re-applies recent states over a reloaded account, merged', () => {
    const log = new AccountStateLog(60_000);
    log.accept(7, { rateLimitResetAt: 50_000, observedAt: 1_000 }, 1_000);
    log.accept(7, { overloadUntil: 40_000, observedAt: 2_000 }, 2_000);
    expect(log.replay(account, 3_000)).toMatchObject({
      rateLimitResetAt: 50_000,
      overloadUntil: 40_000,
    });
  });

  it('stops re-applying a state once it is older than the window', () => {
    const log = new AccountStateLog(60_000);
    log.accept(7, { status: 'error', observedAt: 1_000 }, 1_000);
    expect(log.replay(account, 61_000).status).toBe('error');
    expect(log.replay(account, 61_001)).toBe(account);
  });

  it('does not drag an old state along with a new one', () => {
    const log = new AccountStateLog(10_000);
    log.accept(7, { status: 'error', observedAt: 1_000 }, 1_000);
    log.accept(7, { overloadUntil: 99_000, observedAt: 50_000 }, 50_000);
    expect(log.replay(account, 50_001)).toMatchObject({ status: 'active', overloadUntil: 99_000 });
  });

  it('leaves accounts without a recorded state untouched', () => {
    const log = new AccountStateLog(60_000);
    expect(log.replay(account, 0)).toBe(account);
  });
});
