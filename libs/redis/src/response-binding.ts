import type { Redis } from 'ioredis';
import { responseBindingKey, sessionBindingKey } from './binding-keys.js';
import type { KeyBuilder, KeyPart } from './key-builder.js';
import { UnexpectedReplyError } from './redis-errors.js';

// Default of SCHED_STICKY_TTL_SECONDS: bindings live an hour unless used again.
const DEFAULT_BINDING_TTL_SECONDS = 3600;

export interface ResponseBinding {
  readonly groupId: KeyPart;
  /** The upstream response id (OpenAI Responses API `id`), as the client will send it back. */
  readonly responseId: string;
  readonly accountId: number;
  /** Default 3600 s (SCHED_STICKY_TTL_SECONDS); the scheduler refreshes it on every hit. */
  readonly ttlSeconds?: number;
}

/**
 * Records which account produced a response, so that a later request carrying it as
 * `previous_response_id` is sent to the same account (the conversation state lives there).
 *
 * The gateway calls this straight after an OpenAI Responses call, directly on Redis rather than
 * through a scheduler RPC: it is one SET on the key the scheduler reads in its select round
 * trip, so going through NATS would add a hop and a failure mode and buy nothing.
 */
export async function bindResponse(
  redis: Redis,
  keys: KeyBuilder,
  binding: ResponseBinding,
): Promise<void> {
  await redis.set(
    responseBindingKey(keys, binding.groupId, binding.responseId),
    String(binding.accountId),
    'EX',
    binding.ttlSeconds ?? DEFAULT_BINDING_TTL_SECONDS,
  );
}

/** The account bound to `responseId` in the group, or null. */
export async function readResponseBinding(
  redis: Redis,
  keys: KeyBuilder,
  groupId: KeyPart,
  responseId: string,
): Promise<number | null> {
  return parseAccountId(await redis.get(responseBindingKey(keys, groupId, responseId)));
}

/** The account bound to the session in the group, or null. */
export async function readSessionBinding(
  redis: Redis,
  keys: KeyBuilder,
  groupId: KeyPart,
  sessionHash: string,
): Promise<number | null> {
  return parseAccountId(await redis.get(sessionBindingKey(keys, groupId, sessionHash)));
}

function parseAccountId(raw: string | null): number | null {
  if (raw === null) return null;
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new UnexpectedReplyError('binding', raw);
  return id;
}
