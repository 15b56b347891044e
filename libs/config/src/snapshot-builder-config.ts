import type { CommonConfig } from './common-config.js';
import { commonVariables, httpPortVariable } from './common-config.js';
import type { Env } from './env.js';
import { loadVariables } from './load-variables.js';
import { intVar, stringVar } from './variable-kinds.js';

/** Configuration of the snapshot builder: account events to Redis bucket snapshots. */
export interface SnapshotBuilderConfig extends CommonConfig {
  /** Period of the full rebuild of every snapshot from Postgres (`SNAPSHOT_FULL_REBUILD_INTERVAL_SECONDS`). */
  readonly fullRebuildIntervalSeconds: number;
  /** Event lag that triggers a full rebuild (`SNAPSHOT_LAG_REBUILD_SECONDS`). */
  readonly lagRebuildSeconds: number;
  /** Consecutive lag checks over `lagRebuildSeconds` that trigger a full rebuild (`SNAPSHOT_LAG_REBUILD_FAILURES`). */
  readonly lagRebuildFailures: number;
  /** Pending events that trigger a full rebuild instead of a replay (`SNAPSHOT_BACKLOG_REBUILD_ROWS`). */
  readonly backlogRebuildRows: number;
  /** Event lag above which a warning is logged (`SNAPSHOT_LAG_WARN_SECONDS`). */
  readonly lagWarnSeconds: number;
  /** TTL of the Redis lock held by the replica running a full rebuild (`SNAPSHOT_LOCK_TTL_SECONDS`). */
  readonly lockTtlSeconds: number;
  /** Durable JetStream consumer name shared by the replicas (`SNAPSHOT_CONSUMER_NAME`). */
  readonly consumerName: string;
}

/** The snapshot builder's own variables (the common ones are in `commonVariables`). */
export const snapshotBuilderVariables = {
  httpPort: httpPortVariable(8082),
  fullRebuildIntervalSeconds: intVar({
    name: 'SNAPSHOT_FULL_REBUILD_INTERVAL_SECONDS',
    description:
      'Every this many seconds all bucket snapshots are rebuilt from Postgres, repairing any drift.',
    default: '300',
    min: 1,
  }),
  lagRebuildSeconds: intVar({
    name: 'SNAPSHOT_LAG_REBUILD_SECONDS',
    description:
      'When the oldest unprocessed account event is older than this, a full rebuild replaces catching up event by event.',
    default: '10',
    min: 1,
  }),
  lagRebuildFailures: intVar({
    name: 'SNAPSHOT_LAG_REBUILD_FAILURES',
    description:
      'Consecutive lag checks finding the oldest pending event older than SNAPSHOT_LAG_REBUILD_SECONDS that trigger a full rebuild.',
    default: '3',
    min: 1,
  }),
  backlogRebuildRows: intVar({
    name: 'SNAPSHOT_BACKLOG_REBUILD_ROWS',
    description:
      'Pending account events above which a full rebuild replaces replaying them one by one.',
    default: '10000',
    min: 1,
  }),
  lagWarnSeconds: intVar({
    name: 'SNAPSHOT_LAG_WARN_SECONDS',
    description: 'Event processing lag above which a warning is logged.',
    default: '5',
    min: 1,
  }),
  lockTtlSeconds: intVar({
    name: 'SNAPSHOT_LOCK_TTL_SECONDS',
    description:
      'TTL of the Redis lock that lets one replica at a time run a full rebuild; a crashed holder loses it after this long.',
    default: '30',
    min: 1,
  }),
  consumerName: stringVar({
    name: 'SNAPSHOT_CONSUMER_NAME',
    description:
      'Durable JetStream consumer on `ACCOUNT_EVENTS`; replicas share it so each event is processed once.',
    default: 'snapshot-builder',
    pattern: /^[A-Za-z0-9_-]+$/,
    patternText: 'a consumer name of letters, digits, underscores and dashes',
  }),
} as const;

/** Reads and validates the snapshot-builder configuration; throws ConfigError naming every bad variable. */
export function loadSnapshotBuilderConfig(env: Env = process.env): SnapshotBuilderConfig {
  return loadVariables(env, { ...commonVariables, ...snapshotBuilderVariables });
}
