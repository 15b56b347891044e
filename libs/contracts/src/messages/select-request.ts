import { z } from 'zod';
import {
  entityIdSchema,
  nonEmptyStringSchema,
  platformSchema,
  requestGroupIdSchema,
} from './primitives.js';

/** How the client talks to the gateway; some accounts only serve one of them. */
export const Transport = {
  Http: 'http',
  WebSocket: 'ws',
} as const;

export type Transport = (typeof Transport)[keyof typeof Transport];

/** `sched.v1.select` request: pick an account for one client request (or one retry of it). */
export const selectRequestSchema = z.object({
  /** The client request id; the same for every failover attempt. */
  requestId: nonEmptyStringSchema,
  /** The API key's group, 0 when it has none. */
  groupId: requestGroupIdSchema,
  platform: platformSchema,
  /** The client pinned the platform (e.g. a platform-specific route): no mixed scheduling. */
  forcePlatform: z.boolean().optional(),
  /** Hash of the conversation, for session stickiness. */
  sessionHash: nonEmptyStringSchema.optional(),
  /** Responses API `previous_response_id`, for hard stickiness. */
  previousResponseId: nonEmptyStringSchema.optional(),
  /** Requested model; absent when the endpoint has none (every account qualifies). */
  model: nonEmptyStringSchema.optional(),
  transport: z.enum(Transport).optional(),
  /**
   * Which try of this select it is: 1 (the default) the first, 2 or more a retry of a select
   * whose answer never arrived. A retry is always checked against the slot an earlier try may
   * already have taken, so a lost answer never costs a second slot.
   */
  attempt: z.number().int().min(1).max(100).optional(),
  /** Accounts that already failed this request. */
  excludedAccountIds: z.array(entityIdSchema).default([]),
});

/** A select request as received (defaults applied). */
export type SelectRequest = z.output<typeof selectRequestSchema>;
/** A select request as built by a sender (`excludedAccountIds` may be left out). */
export type SelectRequestInput = z.input<typeof selectRequestSchema>;
