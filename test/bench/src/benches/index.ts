import type { Bench } from '../bench.js';
import { busBench } from './bus.js';
import { gatewayBench } from './gateway.js';
import { metricsBench } from './metrics.js';
import { propagationBench } from './propagation.js';
import { schedulerBench } from './scheduler.js';

/** Every benchmark `pnpm bench` knows, in the order it runs them. */
export const benches: readonly Bench[] = [
  busBench,
  propagationBench,
  gatewayBench,
  schedulerBench,
  metricsBench,
];
