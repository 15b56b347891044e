import { loadMetricsAggregatorConfig } from '@switchyard/config';
import { connectInfrastructure } from '@switchyard/runtime';
import { runService } from '@switchyard/telemetry';

// Entry point of the metrics-aggregator process: configuration from the environment, then the shared
// service runtime (probes, metrics, JSON logs, orderly SIGTERM).
void runService({
  service: 'metrics-aggregator',
  loadConfig: () => loadMetricsAggregatorConfig(process.env),
  async start({ config, logger }) {
    const infra = await connectInfrastructure({ service: 'metrics-aggregator', ...config, logger });
    return { checks: infra.checks, stop: infra.stop };
  },
});
