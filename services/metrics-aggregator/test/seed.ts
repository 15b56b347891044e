import type { Db } from '@switchyard/db';
import {
  createAccount,
  createGroup,
  insertOpsErrorLogs,
  insertUsageLogs,
  updateAccount,
} from '@switchyard/db';
import type { AccountStatus, Platform } from '@switchyard/domain';
import { HOUR_MS, errorRow, floorHour, usageRow } from '../src/index.js';
import type { GeneratedEvents } from './generate-events.js';
import { generateEvents } from './generate-events.js';

export type Seeded = {
  /** Events over the last ~30 closed hours. */
  readonly history: GeneratedEvents;
  /** Events of the last 10 minutes (what the overview reads). */
  readonly recent: GeneratedEvents;
  /** Account id → the availability state it was given. */
  readonly accounts: readonly { id: number; platform: Platform; groups: number[]; state: string }[];
};

/**
 * Raw usage and error records written straight to Postgres (ingest has its own tests), plus
 * accounts in every availability state, for the ops API and the dashboard.
 */
export async function seedOpsData(db: Db, now: number): Promise<Seeded> {
  const closed = floorHour(now - 5 * 60_000);
  const history = generateEvents({
    from: closed - 30 * HOUR_MS,
    to: closed,
    usage: 3000,
    errors: 600,
    seed: 11,
    prefix: 'hist',
  });
  const recent = generateEvents({
    from: now - 10 * 60_000,
    to: now - 1_000,
    usage: 400,
    errors: 80,
    seed: 12,
    prefix: 'recent',
  });
  for (const set of [history, recent]) {
    await insertUsageLogs(db.db, set.usage.map(usageRow));
    await insertOpsErrorLogs(db.db, set.errors.map(errorRow));
  }

  const groupA = await createGroup(db.db, { name: 'team-a', platform: 'anthropic' });
  const groupB = await createGroup(db.db, { name: 'team-b', platform: 'openai' });
  const soon = new Date(now + 30 * 60_000);
  const specs: {
    platform: Platform;
    groups: number[];
    state: string;
    status?: AccountStatus;
    patch?: Parameters<typeof updateAccount>[2];
  }[] = [
    { platform: 'anthropic', groups: [groupA.id], state: 'schedulable' },
    { platform: 'anthropic', groups: [groupA.id], state: 'schedulable' },
    {
      platform: 'anthropic',
      groups: [groupA.id],
      state: 'rate_limited',
      patch: { rateLimitResetAt: soon },
    },
    { platform: 'anthropic', groups: [], state: 'overloaded', patch: { overloadUntil: soon } },
    { platform: 'openai', groups: [groupB.id], state: 'schedulable' },
    {
      platform: 'openai',
      groups: [groupB.id],
      state: 'temp_unschedulable',
      patch: { tempUnschedulableUntil: soon, tempUnschedulableReason: '5xx burst' },
    },
    { platform: 'openai', groups: [], state: 'error', status: 'error' },
    { platform: 'gemini', groups: [], state: 'schedulable' },
    { platform: 'gemini', groups: [], state: 'disabled', status: 'disabled' },
    // Rate-limited until a moment ago: schedulable again.
    {
      platform: 'gemini',
      groups: [],
      state: 'schedulable',
      patch: { rateLimitResetAt: new Date(now - 1_000) },
    },
  ];
  const accounts = [];
  for (const [i, spec] of specs.entries()) {
    const account = await createAccount(db.db, {
      name: `acct-${i}`,
      platform: spec.platform,
      type: 'apikey',
      credentialsEncrypted: 'not-a-real-ciphertext',
      groups: spec.groups,
      ...(spec.status ? { status: spec.status } : {}),
    });
    if (spec.patch) await updateAccount(db.db, account.id, spec.patch);
    accounts.push({
      id: account.id,
      platform: spec.platform,
      groups: spec.groups,
      state: spec.state,
    });
  }
  return { history, recent, accounts };
}
