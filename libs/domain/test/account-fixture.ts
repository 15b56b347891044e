import { makeTestAccount } from '@switchyard/harness';
import type { Account } from '@switchyard/domain';

/** A healthy, schedulable, ungrouped anthropic account; override what the test is about. */
export function makeAccount(overrides: Partial<Account> = {}): Account {
  return makeTestAccount({ name: 'account-1', ...overrides });
}

// The seeded draws of the property-style tests; one definition in the harness serves every
// package.
export { pick, seededRandom } from '@switchyard/harness';
