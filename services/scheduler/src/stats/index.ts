export { DEFAULT_EWMA_ALPHA, applySample, ewma } from './ewma.js';
export type { AccountStats, StatsSample } from './ewma.js';
export { AccountStatsTable } from './account-stats-table.js';
export type { AccountStatsTableOptions } from './account-stats-table.js';
export { InvalidEwmaAlphaError } from './invalid-ewma-alpha-error.js';
