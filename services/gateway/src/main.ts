import { loadGatewayConfig } from '@switchyard/config';
import { connectInfrastructure } from '@switchyard/runtime';
import { runService } from '@switchyard/telemetry';
import { createGateway } from './create-gateway.js';

// Entry point of the gateway process: configuration from the environment, connections, the
// client and admin APIs served on the runtime's HTTP port beside the probes and metrics.
// Shutdown: the HTTP server stops taking requests and finishes in-flight ones first (runtime),
// then the gateway flushes its pending records, then NATS drains and Redis and Postgres close.
void runService({
  service: 'gateway',
  loadConfig: () => loadGatewayConfig(process.env),
  async start({ config, logger, registry }) {
    const infra = await connectInfrastructure({ service: 'gateway', ...config, logger });
    const gateway = await createGateway({
      config,
      logger,
      bus: infra.bus,
      redis: infra.redis,
      db: infra.db,
      registry,
    });
    return {
      checks: infra.checks,
      handler: gateway.app,
      requestClasses: gateway.requestClasses,
      stop: [{ name: 'gateway', run: () => gateway.stop() }, ...infra.stop],
    };
  },
});
