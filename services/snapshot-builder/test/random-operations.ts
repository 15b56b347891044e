import type { AccountEventInput } from '@switchyard/bus';
import { AccountEventType } from '@switchyard/contracts';
import type { AccountEvent } from '@switchyard/contracts';
import {
  createAccount,
  createGroup,
  deleteAccount,
  deleteGroup,
  listAccounts,
  setAccountGroups,
  updateAccount,
} from '@switchyard/db';
import type { Db } from '@switchyard/db';
import { ACCOUNT_STATUSES, ACCOUNT_TYPES, Platform, PLATFORMS } from '@switchyard/domain';
import { pick, seededRandom } from '@switchyard/harness';

function subset<T>(random: () => number, items: readonly T[], max: number): T[] {
  const out = new Set<T>();
  const n = Math.floor(random() * (max + 1));
  for (let i = 0; i < n && items.length > 0; i++) out.add(pick(random, items));
  return [...out];
}

const BASE_TIME = 1_800_000_000_000;

/**
 * Admin and gateway operations at random, done the way the services do them: the admin API
 * writes Postgres through the repositories and then publishes the matching event; a gateway
 * only publishes `account_state` (the builder writes it). Some operations re-send an event
 * already sent, with its id (the stream drops it) or as a new message (a redelivery).
 */
export class RandomOperations {
  readonly #db: Db;
  readonly #random: () => number;
  readonly #publish: (event: AccountEventInput) => Promise<AccountEvent>;
  readonly #redeliver: (event: AccountEvent) => Promise<void>;
  readonly #groups: number[] = [];
  readonly #accounts: number[] = [];
  readonly #sent: AccountEvent[] = [];
  #clock = BASE_TIME;
  readonly log: string[] = [];

  constructor(
    db: Db,
    seed: number,
    publish: (event: AccountEventInput) => Promise<AccountEvent>,
    redeliver: (event: AccountEvent) => Promise<void>,
  ) {
    this.#db = db;
    this.#random = seededRandom(seed);
    this.#publish = publish;
    this.#redeliver = redeliver;
  }

  get accountIds(): readonly number[] {
    return this.#accounts;
  }

  async seed(groups: number, accounts: number): Promise<void> {
    for (let i = 0; i < groups; i++) await this.createGroup();
    for (let i = 0; i < accounts; i++) await this.createAccount();
  }

  async step(): Promise<void> {
    const r = this.#random();
    if (this.#accounts.length === 0 || r < 0.12) return this.createAccount();
    if (r < 0.27) return this.updateAccount();
    if (r < 0.4) return this.setGroups();
    if (r < 0.45) return this.deleteAccount();
    if (r < 0.5) return this.bulkUpdate();
    if (r < 0.53) return this.createGroup();
    if (r < 0.56) return this.deleteGroup();
    if (r < 0.88) return this.state();
    if (r < 0.9) return this.fullRebuild();
    return this.resend();
  }

  async #send(event: AccountEventInput): Promise<void> {
    this.#sent.push(await this.#publish(event));
  }

  async createGroup(): Promise<void> {
    const group = await createGroup(this.#db.db, {
      name: `group-${this.#groups.length}-${Math.floor(this.#random() * 1e9)}`,
      platform: pick(this.#random, PLATFORMS),
    });
    this.#groups.push(group.id);
    this.log.push(`create group ${group.id}`);
    await this.#send({ type: AccountEventType.GroupChanged, groupId: group.id });
  }

  async deleteGroup(): Promise<void> {
    if (this.#groups.length === 0) return;
    const groupId = pick(this.#random, this.#groups);
    const members = await listAccounts(this.#db.db, { groupId });
    await deleteGroup(this.#db.db, groupId);
    this.#groups.splice(this.#groups.indexOf(groupId), 1);
    this.log.push(`delete group ${groupId} (${members.length} members)`);
    // The admin API announces the group and its former members: some are ungrouped now.
    await this.#send({ type: AccountEventType.GroupChanged, groupId });
    if (members.length > 0) {
      await this.#send({
        type: AccountEventType.AccountBulkChanged,
        accountIds: members.map((m) => m.id),
      });
    }
  }

  async createAccount(): Promise<void> {
    const platform = pick(this.#random, PLATFORMS);
    const account = await createAccount(this.#db.db, {
      name: `account-${Math.floor(this.#random() * 1e9)}`,
      platform,
      type: pick(this.#random, ACCOUNT_TYPES),
      credentialsEncrypted: 'sealed',
      priority: Math.floor(this.#random() * 100),
      mixedScheduling: platform === Platform.Antigravity && this.#random() < 0.6,
      groups: subset(this.#random, this.#groups, 2),
    });
    this.#accounts.push(account.id);
    this.log.push(`create account ${account.id} ${platform} [${account.groupIds.join(',')}]`);
    await this.#send({ type: AccountEventType.AccountChanged, accountId: account.id });
  }

  async updateAccount(): Promise<void> {
    const id = pick(this.#random, this.#accounts);
    const r = this.#random();
    const patch =
      r < 0.25
        ? { platform: pick(this.#random, PLATFORMS) }
        : r < 0.45
          ? { mixedScheduling: this.#random() < 0.5 }
          : r < 0.65
            ? {
                priority: Math.floor(this.#random() * 100),
                concurrency: 1 + Math.floor(this.#random() * 5),
              }
            : r < 0.85
              ? { status: pick(this.#random, ACCOUNT_STATUSES) }
              : { schedulable: this.#random() < 0.5 };
    await updateAccount(this.#db.db, id, patch);
    this.log.push(`update account ${id} ${JSON.stringify(patch)}`);
    await this.#send({ type: AccountEventType.AccountChanged, accountId: id });
  }

  async setGroups(): Promise<void> {
    const id = pick(this.#random, this.#accounts);
    const groupIds = await setAccountGroups(this.#db.db, id, subset(this.#random, this.#groups, 3));
    this.log.push(`set groups of ${id} to [${groupIds.join(',')}]`);
    await this.#send({ type: AccountEventType.AccountGroupsChanged, accountId: id, groupIds });
  }

  async deleteAccount(): Promise<void> {
    const id = pick(this.#random, this.#accounts);
    await deleteAccount(this.#db.db, id);
    this.#accounts.splice(this.#accounts.indexOf(id), 1);
    this.log.push(`delete account ${id}`);
    await this.#send({ type: AccountEventType.AccountChanged, accountId: id });
  }

  async bulkUpdate(): Promise<void> {
    const ids = subset(this.#random, this.#accounts, 4);
    if (ids.length === 0) return;
    const priority = Math.floor(this.#random() * 100);
    for (const id of ids) await updateAccount(this.#db.db, id, { priority });
    this.log.push(`bulk priority ${priority} on [${ids.join(',')}]`);
    await this.#send({ type: AccountEventType.AccountBulkChanged, accountIds: ids });
  }

  /** What a gateway saw upstream; one in five is observed before the previous one (late). */
  async state(): Promise<void> {
    const id = pick(this.#random, this.#accounts);
    this.#clock += 1_000;
    const late = this.#random() < 0.2;
    const observedAt = late ? this.#clock - 5_000 : this.#clock;
    const r = this.#random();
    const fields =
      r < 0.35
        ? { rateLimitResetAt: observedAt + 60_000 }
        : r < 0.55
          ? { overloadUntil: observedAt + 10_000 }
          : r < 0.7
            ? { tempUnschedulableUntil: observedAt + 30_000, tempUnschedulableReason: 'rule 7' }
            : r < 0.85
              ? { rateLimitResetAt: null, overloadUntil: null, tempUnschedulableUntil: null }
              : { status: pick(this.#random, ACCOUNT_STATUSES), schedulable: this.#random() < 0.7 };
    this.log.push(`state of ${id} at ${observedAt} ${JSON.stringify(fields)}`);
    await this.#send({ type: AccountEventType.AccountState, accountId: id, observedAt, ...fields });
  }

  /** An operator asks for a full rebuild (it runs alone, between batches of any replica). */
  async fullRebuild(): Promise<void> {
    this.log.push('full rebuild');
    await this.#send({ type: AccountEventType.FullRebuild, reason: 'random operation' });
  }

  /** An event sent before, again: same id (deduplicated) or delivered a second time. */
  async resend(): Promise<void> {
    if (this.#sent.length === 0) return;
    const event = pick(this.#random, this.#sent);
    this.log.push(`resend ${event.type} ${event.eventId}`);
    if (this.#random() < 0.5) await this.#publish(event);
    else await this.#redeliver(event);
  }
}
