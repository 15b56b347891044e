import { loadSnapshotBuilderConfig } from '@switchyard/config';
import { connectInfrastructure } from '@switchyard/runtime';
import { runService } from '@switchyard/telemetry';

// Entry point of the snapshot-builder process: configuration from the environment, then the shared
// service runtime (probes, metrics, JSON logs, orderly SIGTERM).
void runService({
  service: 'snapshot-builder',
  loadConfig: () => loadSnapshotBuilderConfig(process.env),
  async start({ config, logger }) {
    const infra = await connectInfrastructure({ service: 'snapshot-builder', ...config, logger });
    return { checks: infra.checks, stop: infra.stop };
  },
});
