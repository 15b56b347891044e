import type { Bench } from '../bench.js';
import { busBench } from './bus.js';

/** Every benchmark `pnpm bench` knows, in the order it runs them. */
export const benches: readonly Bench[] = [busBench];
