import { loadMetricsAggregatorConfig } from '@switchyard/config';
import { runConnectedService } from '@switchyard/runtime';
import { createMetricsAggregator } from './create-metrics-aggregator.js';
import { resolveUplotDir } from './dashboard/dashboard-router.js';

// Entry point of the metrics-aggregator process: configuration from the environment, the
// shared service runtime (probes, metrics, JSON logs, orderly SIGTERM), the connections, then
// the aggregator itself. The entry script's own path locates our node_modules for the
// dashboard's charting library.
void runConnectedService({
  service: 'metrics-aggregator',
  loadConfig: () => loadMetricsAggregatorConfig(process.env),
  async start({ config, logger, registry, bus, redis, db }) {
    const aggregator = createMetricsAggregator({
      config,
      bus,
      redis,
      db,
      logger,
      registry,
      uplotDir: resolveUplotDir(process.argv[1] ?? process.cwd()),
    });
    await aggregator.start();
    return { handler: aggregator.handler, stop: () => aggregator.stop() };
  },
});
