import {
  AccountStatus,
  UnschedulableReason,
  isSchedulable,
  unschedulableReason,
  type Account,
} from '@switchyard/domain';
import { makeAccount } from './account-fixture.js';

const NOW = 1_700_000_000_000;

type UntilField = 'rateLimitResetAt' | 'overloadUntil' | 'tempUnschedulableUntil';

const untilFields: ReadonlyArray<[UntilField, UnschedulableReason]> = [
  ['rateLimitResetAt', UnschedulableReason.RateLimited],
  ['overloadUntil', UnschedulableReason.Overloaded],
  ['tempUnschedulableUntil', UnschedulableReason.TempUnschedulable],
];

describe('isSchedulable', () => {
  it('accepts a healthy active account with no blocking times', () => {
    const account = makeAccount();
    expect(isSchedulable(account, NOW)).toBe(true);
    expect(unschedulableReason(account, NOW)).toBeNull();
  });

  describe.each(untilFields)('%s', (field, reason) => {
    it.each([
      ['still ahead (now + 1)', NOW + 1, reason],
      ['far ahead (now + 1h)', NOW + 3_600_000, reason],
      ['exactly now', NOW, null],
      ['already past (now - 1)', NOW - 1, null],
      ['unset (null)', null, null],
    ])('when the time is %s the reason is %p', (_label, until, expected) => {
      const account = makeAccount({ [field]: until } as Partial<Account>);
      expect(unschedulableReason(account, NOW)).toBe(expected);
      expect(isSchedulable(account, NOW)).toBe(expected === null);
    });
  });

  describe('expiresAt', () => {
    it.each([
      ['ahead (now + 1)', NOW + 1, null],
      ['exactly now', NOW, UnschedulableReason.Expired],
      ['past (now - 1)', NOW - 1, UnschedulableReason.Expired],
      ['unset (null)', null, null],
    ])('when expiry is %s the reason is %p', (_label, expiresAt, expected) => {
      const account = makeAccount({ expiresAt });
      expect(unschedulableReason(account, NOW)).toBe(expected);
      expect(isSchedulable(account, NOW)).toBe(expected === null);
    });
  });

  it.each([AccountStatus.Disabled, AccountStatus.Error])(
    'refuses an account with status %s',
    (status) => {
      const account = makeAccount({ status });
      expect(unschedulableReason(account, NOW)).toBe(UnschedulableReason.Status);
      expect(isSchedulable(account, NOW)).toBe(false);
    },
  );

  it('refuses an active account whose schedulable flag is off', () => {
    const account = makeAccount({ schedulable: false });
    expect(unschedulableReason(account, NOW)).toBe(UnschedulableReason.NotSchedulable);
    expect(isSchedulable(account, NOW)).toBe(false);
  });

  it('reports the lasting cause before the one that lifts by itself', () => {
    const blockedEverywhere = makeAccount({
      status: AccountStatus.Disabled,
      schedulable: false,
      expiresAt: NOW - 1,
      rateLimitResetAt: NOW + 1,
      overloadUntil: NOW + 1,
      tempUnschedulableUntil: NOW + 1,
    });
    expect(unschedulableReason(blockedEverywhere, NOW)).toBe(UnschedulableReason.Status);
    expect(unschedulableReason({ ...blockedEverywhere, status: 'active' }, NOW)).toBe(
      UnschedulableReason.NotSchedulable,
    );
    expect(
      unschedulableReason({ ...blockedEverywhere, status: 'active', schedulable: true }, NOW),
    ).toBe(UnschedulableReason.Expired);
  });

  it('becomes schedulable again as the clock passes the reset time', () => {
    const account = makeAccount({ rateLimitResetAt: NOW + 500, overloadUntil: NOW + 200 });
    expect(unschedulableReason(account, NOW)).toBe(UnschedulableReason.RateLimited);
    expect(unschedulableReason(account, NOW + 300)).toBe(UnschedulableReason.RateLimited);
    expect(isSchedulable(account, NOW + 500)).toBe(true);
  });
});
