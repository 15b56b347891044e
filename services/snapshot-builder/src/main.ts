import { loadSnapshotBuilderConfig } from '@switchyard/config';
import { connectInfrastructure } from '@switchyard/runtime';
import { runService } from '@switchyard/telemetry';
import { createSnapshotBuilder } from './create-snapshot-builder.js';

// Entry point of the snapshot-builder process: configuration from the environment, then the shared
// service runtime (probes, metrics, JSON logs, orderly SIGTERM).
void runService({
  service: 'snapshot-builder',
  loadConfig: () => loadSnapshotBuilderConfig(process.env),
  async start({ config, logger, registry }) {
    const infra = await connectInfrastructure({ service: 'snapshot-builder', ...config, logger });
    const builder = createSnapshotBuilder({
      config,
      bus: infra.bus,
      redis: infra.redis,
      db: infra.db.db,
      logger,
      registry,
    });
    await builder.start();
    // The builder stops before the connections drain, so its last batch can still be acked.
    return {
      checks: infra.checks,
      stop: [{ name: 'builder', run: () => builder.stop() }, ...infra.stop],
    };
  },
});
