import {
  ACCOUNT_STATUSES,
  ACCOUNT_TYPES,
  PLATFORMS,
  SCHEDULING_MODES,
  isAccountStatus,
  isAccountType,
  isPlatform,
  isSchedulingMode,
} from '@switchyard/domain';

describe('value guards', () => {
  it.each([
    ['isPlatform', isPlatform, PLATFORMS, ['azure', 'Anthropic', '']],
    ['isAccountType', isAccountType, ACCOUNT_TYPES, ['setup-token', 'APIKEY']],
    ['isAccountStatus', isAccountStatus, ACCOUNT_STATUSES, ['paused', 'ACTIVE']],
    ['isSchedulingMode', isSchedulingMode, SCHEDULING_MODES, ['auto', 'Mixed']],
  ] as const)('%s accepts its listed values and nothing else', (_name, guard, valid, invalid) => {
    for (const value of valid) expect(guard(value)).toBe(true);
    for (const value of [...invalid, null, undefined, 1, {}]) expect(guard(value)).toBe(false);
  });

  it('lists the four platforms', () => {
    expect([...PLATFORMS].sort()).toEqual(['anthropic', 'antigravity', 'gemini', 'openai']);
  });
});
