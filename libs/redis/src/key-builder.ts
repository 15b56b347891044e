import { InvalidKeyPartError } from './redis-errors.js';

/** An id as the services hold it: database ids may be numbers or strings. */
export type KeyPart = string | number;

const DEFAULT_PREFIX = 'sy:';

/**
 * Builds every Redis key the services use, so the layout lives in one place.
 *
 * Layout: `<prefix><hash tag>:<kind>[:<more>]`. Keys that a Lua script or a MULTI touches
 * together share a Redis Cluster hash tag (the part in `{}`), because a cluster only runs a
 * multi-key command when all keys hash to one slot:
 * - `{a:<accountId>}`: an account's slot zset, waiting zset and cached record — so a script
 *   can take a slot and leave the waiting set in one atomic step;
 * - `{g:<groupId>}`: a group's sticky session and response bindings;
 * - `{s:<bucket>}`: a snapshot bucket's pointer and its versions, so writing a version and
 *   swapping the pointer can be one MULTI;
 * - `{k:<apiKeyId>}`: an API key's concurrency and per-minute counters.
 * On a single Redis node (what we deploy today) the braces are inert. Note that `readLoads`
 * reads many accounts in one script, which only a single node (or a cluster client grouping
 * keys per node) can do.
 *
 * Parts must be non-empty and free of braces: a brace inside an id would move the hash tag.
 */
export class KeyBuilder {
  readonly prefix: string;

  constructor(prefix: string = DEFAULT_PREFIX) {
    if (prefix.includes('{') || prefix.includes('}')) throw new InvalidKeyPartError(prefix);
    this.prefix = prefix;
  }

  /** Generic key: `<prefix>part1:part2:...`. */
  key(...parts: KeyPart[]): string {
    return this.prefix + parts.map(checked).join(':');
  }

  /** Zset of request ids holding a concurrency slot on the account, scored by expiry (ms). */
  slots(accountId: KeyPart): string {
    return `${this.prefix}{a:${checked(accountId)}}:slots`;
  }

  /** Zset of request ids waiting for the account, scored by expiry (ms); same shape as slots. */
  waiting(accountId: KeyPart): string {
    return `${this.prefix}{a:${checked(accountId)}}:waiting`;
  }

  /** Cached account record. */
  accountRecord(accountId: KeyPart): string {
    return `${this.prefix}{a:${checked(accountId)}}:record`;
  }

  /** Sticky session → account binding inside a group. */
  sessionBinding(groupId: KeyPart, sessionHash: string): string {
    return `${this.prefix}{g:${checked(groupId)}}:sess:${checked(sessionHash)}`;
  }

  /** `previous_response_id` → account binding inside a group. */
  responseBinding(groupId: KeyPart, responseIdHash: string): string {
    return `${this.prefix}{g:${checked(groupId)}}:resp:${checked(responseIdHash)}`;
  }

  /** Points at the current version of a bucket snapshot. */
  snapshotPointer(bucket: string): string {
    return `${this.prefix}{s:${checked(bucket)}}:ptr`;
  }

  /** One immutable version of a bucket snapshot. */
  snapshotVersion(bucket: string, version: KeyPart): string {
    return `${this.prefix}{s:${checked(bucket)}}:v:${checked(version)}`;
  }

  /** A mutual-exclusion lock (see `acquireLock`). */
  lock(name: string): string {
    return `${this.prefix}lock:${checked(name)}`;
  }

  /** Leader election for a periodic job: a lock whose holder runs the job. */
  leader(job: string): string {
    return `${this.prefix}leader:${checked(job)}`;
  }

  /** Zset of request ids in flight for an API key (same shape as slots). */
  apiKeyConcurrency(keyId: KeyPart): string {
    return `${this.prefix}{k:${checked(keyId)}}:conc`;
  }

  /** Request counter for an API key in one minute (`minute` = floor(epoch ms / 60000)). */
  apiKeyRpm(keyId: KeyPart, minute: number): string {
    return `${this.prefix}{k:${checked(keyId)}}:rpm:${checked(minute)}`;
  }
}

function checked(part: KeyPart): string {
  const s = typeof part === 'number' ? String(part) : part;
  if (s.length === 0 || s.includes('{') || s.includes('}')) throw new InvalidKeyPartError(s);
  if (typeof part === 'number' && !Number.isFinite(part)) throw new InvalidKeyPartError(s);
  return s;
}
