import { loadSchedulerConfig } from '@switchyard/config';
import { runConnectedService } from '@switchyard/runtime';
import { createScheduler } from './create-scheduler.js';

// Entry point of the scheduler process: configuration from the environment, connections, one
// scheduler replica, and the shared service runtime (probes, metrics, JSON logs, SIGTERM).
// Shutdown stops the replica first (in-flight selects finish), then drains NATS and closes
// Redis and Postgres.
void runConnectedService({
  service: 'scheduler',
  loadConfig: () => loadSchedulerConfig(process.env),
  async start({ config, logger, registry, bus, redis, db }) {
    const scheduler = createScheduler({ config, bus, redis, db, logger, registry });
    await scheduler.start();
    return { stop: () => scheduler.stop() };
  },
});
