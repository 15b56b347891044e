import { publish } from '@switchyard/bus';
import type { Bus } from '@switchyard/bus';
import { Subjects } from '@switchyard/contracts';
import type { SnapshotUpdated } from '@switchyard/contracts';

/**
 * Tells every scheduler replica that a bucket was rewritten (`snap.v1.updated.<bucket>`, core
 * NATS: a replica that misses one catches up at the next notice or full rebuild, which
 * announces every bucket).
 */
export function publishSnapshotUpdated(bus: Bus, notice: SnapshotUpdated): void {
  publish(bus.nc, Subjects.snapUpdated(notice.bucket), notice);
}
