import { loadSchedulerConfig } from '@switchyard/config';
import { connectInfrastructure } from '@switchyard/runtime';
import { runService } from '@switchyard/telemetry';

// Entry point of the scheduler process: configuration from the environment, then the shared
// service runtime (probes, metrics, JSON logs, orderly SIGTERM).
void runService({
  service: 'scheduler',
  loadConfig: () => loadSchedulerConfig(process.env),
  async start({ config, logger }) {
    const infra = await connectInfrastructure({ service: 'scheduler', ...config, logger });
    return { checks: infra.checks, stop: infra.stop };
  },
});
