import { loadGatewayConfig } from '@switchyard/config';
import { connectInfrastructure } from '@switchyard/runtime';
import { runService } from '@switchyard/telemetry';

// Entry point of the gateway process: configuration from the environment, then the shared
// service runtime (probes, metrics, JSON logs, orderly SIGTERM).
void runService({
  service: 'gateway',
  loadConfig: () => loadGatewayConfig(process.env),
  async start({ config, logger }) {
    const infra = await connectInfrastructure({ service: 'gateway', ...config, logger });
    return { checks: infra.checks, stop: infra.stop };
  },
});
