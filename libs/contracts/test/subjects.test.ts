import {
  ACCOUNT_EVENT_TYPES,
  AccountEventType,
  QueueGroups,
  Streams,
  Subjects,
  accountEventSubject,
} from '@switchyard/contracts';
import { bucketKey } from '@switchyard/domain';

describe('Subjects', () => {
  it('names the scheduler RPC and report subjects', () => {
    expect(Subjects.schedSelect).toBe('sched.v1.select');
    expect(Subjects.schedReport).toBe('sched.v1.report');
    expect(Subjects.schedMetrics).toBe('sched.v1.metrics');
    expect(QueueGroups.scheduler).toBe('scheduler');
  });

  it('builds one account-event subject per event type under the wildcard', () => {
    expect(Subjects.accountEvent(AccountEventType.AccountState)).toBe(
      'acct.v1.events.account_state',
    );
    expect(Subjects.accountEventsAll).toBe('acct.v1.events.>');
    for (const type of ACCOUNT_EVENT_TYPES) {
      const subject = Subjects.accountEvent(type);
      expect(subject.startsWith('acct.v1.events.')).toBe(true);
      expect(subject.split('.')).toHaveLength(4);
    }
  });

  it('derives the subject from the event itself', () => {
    expect(accountEventSubject({ type: 'full_rebuild' })).toBe('acct.v1.events.full_rebuild');
  });

  it('puts a whole bucket key in one subject token', () => {
    const key = bucketKey({ groupId: 7, platform: 'gemini', mode: 'mixed' });
    expect(Subjects.snapUpdated(key)).toBe('snap.v1.updated.g7:gemini:mixed');
    expect(Subjects.snapUpdated(key).split('.')).toHaveLength(4);
    expect(Subjects.snapUpdatedAll).toBe('snap.v1.updated.>');
  });

  it('names the usage and ops subjects', () => {
    expect(Subjects.usageRecorded).toBe('usage.v1.recorded');
    expect(Subjects.opsError).toBe('ops.v1.error');
  });
});

describe('Streams', () => {
  it('captures every account event in ACCOUNT_EVENTS', () => {
    expect(Streams.accountEvents).toEqual({
      name: 'ACCOUNT_EVENTS',
      subjects: ['acct.v1.events.>'],
    });
  });

  it('captures usage and ops errors in USAGE_EVENTS', () => {
    expect(Streams.usageEvents).toEqual({
      name: 'USAGE_EVENTS',
      subjects: ['usage.v1.recorded', 'ops.v1.error'],
    });
  });
});
