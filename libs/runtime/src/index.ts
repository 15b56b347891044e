export { connectInfrastructure } from './connect-infrastructure.js';
export type { Infrastructure, InfrastructureOptions } from './connect-infrastructure.js';
export { runConnectedService } from './run-connected-service.js';
export type {
  ConnectedServiceContext,
  ConnectionConfig,
  RunConnectedServiceOptions,
  ServiceWorker,
} from './run-connected-service.js';
