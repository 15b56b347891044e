import {
  isAccountStatus,
  isAccountType,
  isPlatform,
  type Account,
  type ModelMapping,
} from '@switchyard/domain';
import { UnexpectedReplyError } from './redis-errors.js';

/*
 * How accounts are stored in Redis (bucket snapshots and per-account records): one JSON array
 * per account, fields in the order below, no key names. Half the bytes of an object, which a
 * full rebuild (10,000 accounts, ~3 buckets each) feels in serialising, transferring and
 * comparing; and one account is encoded once however many buckets it is in. A list is
 * `[<format>,[<account>,…]]`, so a reader can refuse a format it does not know.
 *
 * Changing the field order or count needs a new format number.
 */
export const ACCOUNT_FORMAT = 1;

/** One account as stored: a JSON array of its fields. */
export function encodeAccount(a: Account): string {
  return JSON.stringify([
    a.id,
    a.name,
    a.platform,
    a.type,
    a.status,
    a.schedulable,
    a.concurrency,
    a.priority,
    a.rateLimitResetAt,
    a.overloadUntil,
    a.tempUnschedulableUntil,
    a.tempUnschedulableReason,
    a.modelMapping,
    a.mixedScheduling,
    a.lastUsedAt,
    a.expiresAt,
    a.groupIds,
  ]);
}

/** A list from already encoded accounts (see encodeAccount), in their order. */
export function encodeAccountList(encoded: readonly string[]): string {
  return `[${ACCOUNT_FORMAT},[${encoded.join(',')}]]`;
}

export function decodeAccountList(text: string): Account[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || value[0] !== ACCOUNT_FORMAT || !Array.isArray(value[1])) {
    throw new UnexpectedReplyError('account list', text.slice(0, 200));
  }
  return (value[1] as unknown[]).map(toAccount);
}

export function decodeAccount(text: string): Account {
  return toAccount(JSON.parse(text));
}

function toAccount(value: unknown): Account {
  if (!Array.isArray(value) || value.length !== 17) {
    throw new UnexpectedReplyError('account', value);
  }
  const [
    id,
    name,
    platform,
    type,
    status,
    schedulable,
    concurrency,
    priority,
    rateLimitResetAt,
    overloadUntil,
    tempUnschedulableUntil,
    tempUnschedulableReason,
    modelMapping,
    mixedScheduling,
    lastUsedAt,
    expiresAt,
    groupIds,
  ] = value as unknown[];
  if (
    typeof id !== 'number' ||
    typeof name !== 'string' ||
    !isPlatform(platform) ||
    !isAccountType(type) ||
    !isAccountStatus(status) ||
    typeof schedulable !== 'boolean' ||
    typeof concurrency !== 'number' ||
    typeof priority !== 'number' ||
    typeof mixedScheduling !== 'boolean' ||
    !Array.isArray(groupIds)
  ) {
    throw new UnexpectedReplyError('account', value);
  }
  return {
    id,
    name,
    platform,
    type,
    status,
    schedulable,
    concurrency,
    priority,
    rateLimitResetAt: instant(rateLimitResetAt),
    overloadUntil: instant(overloadUntil),
    tempUnschedulableUntil: instant(tempUnschedulableUntil),
    tempUnschedulableReason:
      typeof tempUnschedulableReason === 'string' ? tempUnschedulableReason : null,
    modelMapping: (modelMapping ?? null) as ModelMapping | null,
    mixedScheduling,
    lastUsedAt: instant(lastUsedAt),
    expiresAt: instant(expiresAt),
    groupIds: groupIds as number[],
  };
}

function instant(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}
