export { connectInfrastructure } from './connect-infrastructure.js';
export type { Infrastructure, InfrastructureOptions } from './connect-infrastructure.js';
