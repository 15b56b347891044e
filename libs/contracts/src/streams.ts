import { Subjects } from './subjects.js';

/** What a JetStream stream is called and which subjects it captures. */
export type StreamSpec = {
  readonly name: string;
  readonly subjects: readonly string[];
};

export const Streams = {
  accountEvents: { name: 'ACCOUNT_EVENTS', subjects: [Subjects.accountEventsAll] },
  usageEvents: { name: 'USAGE_EVENTS', subjects: [Subjects.usageRecorded, Subjects.opsError] },
} as const satisfies Record<string, StreamSpec>;
