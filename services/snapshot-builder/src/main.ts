import { loadSnapshotBuilderConfig } from '@switchyard/config';
import { runConnectedService } from '@switchyard/runtime';
import { createSnapshotBuilder } from './create-snapshot-builder.js';

// Entry point of the snapshot-builder process: configuration from the environment, connections,
// the builder, and the shared service runtime (probes, metrics, JSON logs, orderly SIGTERM).
// The builder stops before the connections drain, so its last batch can still be acked.
void runConnectedService({
  service: 'snapshot-builder',
  loadConfig: () => loadSnapshotBuilderConfig(process.env),
  async start({ config, logger, registry, bus, redis, db }) {
    const builder = createSnapshotBuilder({ config, bus, redis, db: db.db, logger, registry });
    await builder.start();
    return { stop: () => builder.stop() };
  },
});
