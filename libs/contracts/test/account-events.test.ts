import {
  ACCOUNT_EVENT_TYPES,
  accountEventSchema,
  accountEventSubject,
  type AccountEvent,
} from '@switchyard/contracts';
import { expectMalformed, issuePaths, roundTrip, without } from './decode-helpers.js';

const meta = { eventId: 'evt-1', occurredAt: 1_700_000_000_000 };

const validEvents: AccountEvent[] = [
  { ...meta, type: 'account_changed', accountId: 1 },
  {
    ...meta,
    type: 'account_state',
    accountId: 2,
    rateLimitResetAt: 1_700_000_060_000,
    overloadUntil: null,
    tempUnschedulableUntil: 1_700_000_030_000,
    tempUnschedulableReason: 'upstream 529 burst',
    status: 'error',
    schedulable: true,
    observedAt: 1_699_999_999_000,
  },
  { ...meta, type: 'account_groups_changed', accountId: 3, groupIds: [] },
  { ...meta, type: 'account_bulk_changed', accountIds: [4, 5, 6] },
  { ...meta, type: 'group_changed', groupId: 7 },
  { ...meta, type: 'full_rebuild', reason: 'operator request' },
  { ...meta, type: 'last_used', entries: [{ accountId: 8, at: 1_700_000_000_500 }] },
];

describe('accountEventSchema', () => {
  it('has a sample for every event type', () => {
    expect(validEvents.map((event) => event.type).sort()).toEqual([...ACCOUNT_EVENT_TYPES].sort());
  });

  it.each(validEvents.map((event) => [event.type, event] as const))(
    'accepts a valid %s event',
    (_type, event) => {
      expect(roundTrip(accountEventSchema, event)).toEqual(event);
    },
  );

  it('accepts a state event that only carries the observation time', () => {
    const event = { ...meta, type: 'account_state', accountId: 2, observedAt: 5 };
    expect(roundTrip(accountEventSchema, event)).toEqual(event);
  });

  it.each([
    ['an unknown type', { ...meta, type: 'account_exploded', accountId: 1 }, 'type'],
    ['no type at all', { ...meta, accountId: 1 }, 'type'],
    [
      'no event id',
      without({ ...meta, type: 'account_changed', accountId: 1 }, 'eventId'),
      'eventId',
    ],
    [
      'a fractional occurredAt',
      { ...meta, occurredAt: 1.5, type: 'full_rebuild', reason: 'x' },
      'occurredAt',
    ],
    ['a state without observedAt', { ...meta, type: 'account_state', accountId: 2 }, 'observedAt'],
    [
      'a state with an unknown status',
      { ...meta, type: 'account_state', accountId: 2, observedAt: 1, status: 'paused' },
      'status',
    ],
    ['a string account id', { ...meta, type: 'account_changed', accountId: '1' }, 'accountId'],
    [
      'groups that are not a list',
      { ...meta, type: 'account_groups_changed', accountId: 3, groupIds: 4 },
      'groupIds',
    ],
    [
      'an empty bulk change',
      { ...meta, type: 'account_bulk_changed', accountIds: [] },
      'accountIds',
    ],
    ['an empty rebuild reason', { ...meta, type: 'full_rebuild', reason: '' }, 'reason'],
    [
      'a last-used entry without time',
      { ...meta, type: 'last_used', entries: [{ accountId: 8 }] },
      'entries.0.at',
    ],
  ])('rejects an event with %s', (_label, message, path) => {
    expect(issuePaths(expectMalformed(accountEventSchema, message))).toContain(path);
  });
});

describe('accountEventSubject', () => {
  it.each(validEvents.map((event) => [event.type, event] as const))(
    'publishes a %s event on its own subject',
    (type, event) => {
      expect(accountEventSubject(event)).toBe(`acct.v1.events.${type}`);
    },
  );
});
