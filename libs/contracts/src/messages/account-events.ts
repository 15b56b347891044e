import { z } from 'zod';
import { AccountEventType } from '../account-event-type.js';
import {
  accountStatusSchema,
  entityIdSchema,
  epochMsSchema,
  nonEmptyStringSchema,
} from './primitives.js';

/**
 * Fields on every account event. `eventId` is the JetStream message id (publish dedupe) and the
 * consumers' idempotency key; `occurredAt` is when the producer emitted it.
 */
const eventBase = {
  eventId: nonEmptyStringSchema,
  occurredAt: epochMsSchema,
};

/** Something about the account changed in Postgres; reload it. */
export const accountChangedEventSchema = z.object({
  ...eventBase,
  type: z.literal(AccountEventType.AccountChanged),
  accountId: entityIdSchema,
});

/**
 * Runtime state a gateway saw upstream (rate limit, overload, auth failure). A field left out
 * is unchanged; `null` clears it. `observedAt` orders states of the same account: a receiver
 * drops a state older than the one it already applied.
 */
export const accountStateEventSchema = z.object({
  ...eventBase,
  type: z.literal(AccountEventType.AccountState),
  accountId: entityIdSchema,
  rateLimitResetAt: epochMsSchema.nullable().optional(),
  overloadUntil: epochMsSchema.nullable().optional(),
  tempUnschedulableUntil: epochMsSchema.nullable().optional(),
  tempUnschedulableReason: z.string().nullable().optional(),
  status: accountStatusSchema.optional(),
  schedulable: z.boolean().optional(),
  observedAt: epochMsSchema,
});

/** The account's group membership is now exactly `groupIds` (empty: ungrouped). */
export const accountGroupsChangedEventSchema = z.object({
  ...eventBase,
  type: z.literal(AccountEventType.AccountGroupsChanged),
  accountId: entityIdSchema,
  groupIds: z.array(entityIdSchema),
});

/** A bulk admin edit touched these accounts; reload them. */
export const accountBulkChangedEventSchema = z.object({
  ...eventBase,
  type: z.literal(AccountEventType.AccountBulkChanged),
  accountIds: z.array(entityIdSchema).min(1),
});

/** A group's settings changed; rebuild its buckets. */
export const groupChangedEventSchema = z.object({
  ...eventBase,
  type: z.literal(AccountEventType.GroupChanged),
  groupId: entityIdSchema,
});

/** Rebuild every snapshot from Postgres (repairs any drift). */
export const fullRebuildEventSchema = z.object({
  ...eventBase,
  type: z.literal(AccountEventType.FullRebuild),
  reason: nonEmptyStringSchema,
});

/** Batched "account was last used at" marks (for least-recently-used tie breaks). */
export const lastUsedEventSchema = z.object({
  ...eventBase,
  type: z.literal(AccountEventType.LastUsed),
  entries: z.array(z.object({ accountId: entityIdSchema, at: epochMsSchema })).min(1),
});

export const accountEventSchema = z.discriminatedUnion('type', [
  accountChangedEventSchema,
  accountStateEventSchema,
  accountGroupsChangedEventSchema,
  accountBulkChangedEventSchema,
  groupChangedEventSchema,
  fullRebuildEventSchema,
  lastUsedEventSchema,
]);

export type AccountChangedEvent = z.output<typeof accountChangedEventSchema>;
export type AccountStateEvent = z.output<typeof accountStateEventSchema>;
export type AccountGroupsChangedEvent = z.output<typeof accountGroupsChangedEventSchema>;
export type AccountBulkChangedEvent = z.output<typeof accountBulkChangedEventSchema>;
export type GroupChangedEvent = z.output<typeof groupChangedEventSchema>;
export type FullRebuildEvent = z.output<typeof fullRebuildEventSchema>;
export type LastUsedEvent = z.output<typeof lastUsedEventSchema>;
export type AccountEvent = z.output<typeof accountEventSchema>;
