export { ConfigError } from './config-error.js';
export type { ConfigProblem } from './config-error.js';
export type { Env } from './env.js';

export { LOG_LEVELS, TRACES_EXPORTERS, commonVariables } from './common-config.js';
export type { CommonConfig, LogLevel, TracesExporter } from './common-config.js';
export { gatewayVariables, loadGatewayConfig } from './gateway-config.js';
export type { GatewayConfig, PlatformUrls } from './gateway-config.js';
export { errorRulesVar } from './upstream-error-rules.js';
export { modelPricesVar } from './model-prices.js';
export type { ModelPrice, ModelPrices } from './model-prices.js';
export type { UpstreamErrorRule } from './upstream-error-rules.js';
export { SCHEDULER_POLICIES, loadSchedulerConfig, schedulerVariables } from './scheduler-config.js';
export type { SchedulerConfig, SchedulerPolicyName, ScoreWeights } from './scheduler-config.js';
export { loadSnapshotBuilderConfig, snapshotBuilderVariables } from './snapshot-builder-config.js';
export type { SnapshotBuilderConfig } from './snapshot-builder-config.js';
export {
  loadMetricsAggregatorConfig,
  metricsAggregatorVariables,
} from './metrics-aggregator-config.js';
export type {
  MetricsAggregatorConfig,
  ReportsConfig,
  RetentionDays,
} from './metrics-aggregator-config.js';
export { loadMigrateConfig, migrateVariables } from './migrate-config.js';
export type { MigrateConfig } from './migrate-config.js';

export { CONFIG_SECTIONS, configVariables } from './config-variables.js';
export type { ConfigSection, ConfigVariableDoc } from './config-variables.js';
export {
  CONFIG_SECTION_BEGIN,
  CONFIG_SECTION_END,
  readConfigSection,
  renderConfigMarkdown,
  replaceConfigSection,
} from './render-config-markdown.js';

// Building blocks, for a process that needs its own validated variables (e.g. a test tool).
export { defineVariable, INVALID } from './config-variable.js';
export type {
  ComputedDefault,
  ConfigVariable,
  Converter,
  Presence,
  Resolved,
  VariableOptions,
} from './config-variable.js';
export {
  base64KeyVar,
  boolVar,
  cronVar,
  durationMsVar,
  enumVar,
  floatVar,
  intVar,
  stringVar,
  urlListVar,
  urlVar,
} from './variable-kinds.js';
export type { Bounds, StringOptions, UrlOptions } from './variable-kinds.js';
export { loadVariables } from './load-variables.js';
export type { VariableSet, VariableValues } from './load-variables.js';
