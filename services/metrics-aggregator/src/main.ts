import { loadMetricsAggregatorConfig } from '@switchyard/config';
import { connectInfrastructure } from '@switchyard/runtime';
import { runService } from '@switchyard/telemetry';
import { createMetricsAggregator } from './create-metrics-aggregator.js';
import { resolveUplotDir } from './dashboard/dashboard-router.js';

// Entry point of the metrics-aggregator process: configuration from the environment, the
// shared service runtime (probes, metrics, JSON logs, orderly SIGTERM), the connections, then
// the aggregator itself. The entry script's own path locates our node_modules for the
// dashboard's charting library.
void runService({
  service: 'metrics-aggregator',
  loadConfig: () => loadMetricsAggregatorConfig(process.env),
  async start({ config, logger, registry }) {
    const infra = await connectInfrastructure({ service: 'metrics-aggregator', ...config, logger });
    const aggregator = createMetricsAggregator({
      config,
      bus: infra.bus,
      redis: infra.redis,
      db: infra.db,
      logger,
      registry,
      uplotDir: resolveUplotDir(process.argv[1] ?? process.cwd()),
    });
    await aggregator.start();
    return {
      checks: infra.checks,
      handler: aggregator.handler,
      stop: [{ name: 'metrics-aggregator', run: () => aggregator.stop() }, ...infra.stop],
    };
  },
});
