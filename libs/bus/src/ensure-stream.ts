import { StorageType } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { JetStreamManager, StreamConfig, StreamInfo } from '@nats-io/jetstream';
import { BusConfigConflictError } from './bus-errors.js';
import { isNotFound } from './jetstream-errors.js';

export interface EnsureStreamOptions {
  readonly name: string;
  readonly subjects: readonly string[];
  /** Oldest message kept; omit or 0 to keep until other limits apply. */
  readonly maxAgeMs?: number;
  /**
   * Window in which a repeated `Nats-Msg-Id` is dropped as a duplicate. Default 2 min, and
   * never more than `maxAgeMs`.
   */
  readonly duplicateWindowMs?: number;
  /** Default 'file': events must survive a server restart. */
  readonly storage?: 'file' | 'memory';
}

/** What `ensureStream` / `ensureConsumer` had to do. */
export type EnsureOutcome = 'created' | 'updated' | 'unchanged';

// 2 min, the NATS default: long enough to cover a publisher's retries with backoff and a
// reconnect, short enough that the server's id index stays small at our event rates.
const DEFAULT_DUPLICATE_WINDOW_MS = 120_000;

/**
 * Makes sure the stream exists with this configuration: creates it, updates the fields that
 * differ, or leaves it alone. Safe to call from every replica at start-up, concurrently (the
 * server accepts an identical create, so racing replicas may each report 'created').
 * Storage cannot change in place: a mismatch raises BusConfigConflictError.
 */
export async function ensureStream(
  jsm: JetStreamManager,
  options: EnsureStreamOptions,
): Promise<EnsureOutcome> {
  const maxAgeMs = options.maxAgeMs ?? 0;
  let duplicateWindowMs = options.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS;
  // The server refuses a duplicate window longer than the stream keeps messages; a message
  // older than max age is gone anyway, so the shorter window loses nothing.
  if (maxAgeMs > 0) duplicateWindowMs = Math.min(duplicateWindowMs, maxAgeMs);
  const wanted = {
    name: options.name,
    subjects: [...options.subjects],
    max_age: nanos(maxAgeMs),
    duplicate_window: nanos(duplicateWindowMs),
    storage: options.storage === 'memory' ? StorageType.Memory : StorageType.File,
  } satisfies Partial<StreamConfig>;

  const existing = await streamInfo(jsm, wanted.name);
  if (existing === undefined) {
    try {
      await jsm.streams.add(wanted);
      return 'created';
    } catch (err) {
      // Another replica created it between our lookup and our add: compare with theirs.
      const raced = await streamInfo(jsm, wanted.name);
      if (raced === undefined) throw err;
      return reconcile(jsm, raced, wanted);
    }
  }
  return reconcile(jsm, existing, wanted);
}

async function reconcile(
  jsm: JetStreamManager,
  info: StreamInfo,
  wanted: Pick<StreamConfig, 'name' | 'subjects' | 'max_age' | 'duplicate_window' | 'storage'>,
): Promise<EnsureOutcome> {
  const have = info.config;
  if (have.storage !== wanted.storage) {
    throw new BusConfigConflictError(
      `stream ${wanted.name} uses ${have.storage} storage, wanted ${wanted.storage}`,
    );
  }
  const same =
    sameSet(have.subjects ?? [], wanted.subjects) &&
    have.max_age === wanted.max_age &&
    have.duplicate_window === wanted.duplicate_window;
  if (same) return 'unchanged';
  await jsm.streams.update(wanted.name, {
    subjects: wanted.subjects,
    max_age: wanted.max_age,
    duplicate_window: wanted.duplicate_window,
  });
  return 'updated';
}

async function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(name);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((s) => set.has(s));
}
