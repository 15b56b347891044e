import { loadSchedulerConfig } from '@switchyard/config';
import { connectInfrastructure } from '@switchyard/runtime';
import { runService } from '@switchyard/telemetry';
import { createScheduler } from './create-scheduler.js';

// Entry point of the scheduler process: configuration from the environment, connections, one
// scheduler replica, and the shared service runtime (probes, metrics, JSON logs, SIGTERM).
// Shutdown stops the replica first (in-flight selects finish), then drains NATS and closes
// Redis and Postgres.
void runService({
  service: 'scheduler',
  loadConfig: () => loadSchedulerConfig(process.env),
  async start({ config, logger, registry }) {
    const infra = await connectInfrastructure({ service: 'scheduler', ...config, logger });
    const scheduler = createScheduler({
      config,
      bus: infra.bus,
      redis: infra.redis,
      db: infra.db,
      logger,
      registry,
    });
    await scheduler.start();
    return {
      checks: infra.checks,
      stop: [{ name: 'scheduler', run: () => scheduler.stop() }, ...infra.stop],
    };
  },
});
