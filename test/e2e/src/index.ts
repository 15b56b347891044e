export { spawnService } from './spawn-service.js';
export type { ServiceProcess, ServiceName } from './spawn-service.js';
