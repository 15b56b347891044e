import {
  AccountStatus,
  applyAccountState,
  isNewerState,
  isSchedulable,
  type Account,
} from '@switchyard/domain';
import { makeAccount } from './account-fixture.js';

const NOW = 1_700_000_000_000;

describe('applyAccountState', () => {
  it('sets a rate-limit reset so the account stops being schedulable until then', () => {
    const account = makeAccount();
    const next = applyAccountState(account, { rateLimitResetAt: NOW + 60_000, observedAt: NOW });
    expect(next.rateLimitResetAt).toBe(NOW + 60_000);
    expect(isSchedulable(next, NOW)).toBe(false);
    expect(isSchedulable(next, NOW + 60_000)).toBe(true);
  });

  it('leaves fields the patch does not mention unchanged', () => {
    const account = makeAccount({
      overloadUntil: NOW + 5_000,
      tempUnschedulableUntil: NOW + 9_000,
      tempUnschedulableReason: 'quota',
      status: AccountStatus.Active,
      schedulable: true,
    });
    const next = applyAccountState(account, { rateLimitResetAt: NOW + 1, observedAt: NOW });
    expect(next).toEqual({ ...account, rateLimitResetAt: NOW + 1 });
  });

  it('clears a field the patch sets to null', () => {
    const account = makeAccount({
      rateLimitResetAt: NOW + 60_000,
      tempUnschedulableUntil: NOW + 1_000,
      tempUnschedulableReason: 'overloaded upstream',
    });
    const next = applyAccountState(account, {
      rateLimitResetAt: null,
      tempUnschedulableUntil: null,
      tempUnschedulableReason: null,
      observedAt: NOW,
    });
    expect(next.rateLimitResetAt).toBeNull();
    expect(next.tempUnschedulableUntil).toBeNull();
    expect(next.tempUnschedulableReason).toBeNull();
    expect(isSchedulable(next, NOW)).toBe(true);
  });

  it('applies status and the schedulable flag', () => {
    const next = applyAccountState(makeAccount(), {
      status: AccountStatus.Error,
      schedulable: false,
      observedAt: NOW,
    });
    expect(next.status).toBe(AccountStatus.Error);
    expect(next.schedulable).toBe(false);
  });

  it('never edits the account it was given', () => {
    const account = makeAccount({ groupIds: [3] });
    const frozen: Account = Object.freeze({ ...account });
    const next = applyAccountState(frozen, { overloadUntil: NOW + 10, observedAt: NOW });
    expect(frozen.overloadUntil).toBeNull();
    expect(next).not.toBe(frozen);
    expect(next.groupIds).toEqual([3]);
  });

  it('returns the same object when the patch changes nothing', () => {
    const account = makeAccount({ overloadUntil: NOW + 10 });
    expect(applyAccountState(account, { observedAt: NOW })).toBe(account);
    expect(applyAccountState(account, { overloadUntil: NOW + 10, observedAt: NOW })).toBe(account);
  });

  it('does not copy identity or bookkeeping fields from an event-shaped patch', () => {
    const account = makeAccount({ id: 7, name: 'seven' });
    const event = {
      eventId: 'e-1',
      occurredAt: NOW,
      type: 'account_state' as const,
      accountId: 99,
      overloadUntil: NOW + 1_000,
      observedAt: NOW,
    };
    const next = applyAccountState(account, event);
    expect(next.id).toBe(7);
    expect(next.name).toBe('seven');
    expect(next.overloadUntil).toBe(NOW + 1_000);
  });
});

describe('isNewerState', () => {
  it('accepts any state when none was applied yet', () => {
    expect(isNewerState(null, 0)).toBe(true);
  });

  it('refuses a state observed before the one already applied', () => {
    expect(isNewerState(NOW, NOW - 1)).toBe(false);
  });

  it('accepts a later observation', () => {
    expect(isNewerState(NOW, NOW + 1)).toBe(true);
  });

  it('treats a same-instant observation as a repeat of the one applied', () => {
    expect(isNewerState(NOW, NOW)).toBe(false);
  });
});
