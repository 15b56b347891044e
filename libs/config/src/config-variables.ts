import type { ConfigVariable } from './config-variable.js';
import { commonVariables } from './common-config.js';
import { gatewayVariables } from './gateway-config.js';
import { metricsAggregatorVariables } from './metrics-aggregator-config.js';
import { migrateVariables } from './migrate-config.js';
import { schedulerVariables } from './scheduler-config.js';
import { snapshotBuilderVariables } from './snapshot-builder-config.js';

/** Who reads a variable: `common` ones are read by all four services. */
export const CONFIG_SECTIONS = [
  'common',
  'gateway',
  'scheduler',
  'snapshot-builder',
  'metrics-aggregator',
  'migrate',
] as const;
export type ConfigSection = (typeof CONFIG_SECTIONS)[number];

/** One documented variable, for generated docs and tooling. */
export interface ConfigVariableDoc {
  readonly service: ConfigSection;
  /** Environment variable name. */
  readonly name: string;
  /** The default as written in the environment; null when required or optional. */
  readonly default: string | null;
  /** Start-up fails when a required variable is unset. */
  readonly required: boolean;
  readonly description: string;
}

const SECTION_VARIABLES: Readonly<
  Record<ConfigSection, Readonly<Record<string, ConfigVariable<unknown>>>>
> = {
  common: commonVariables,
  gateway: gatewayVariables,
  scheduler: schedulerVariables,
  'snapshot-builder': snapshotBuilderVariables,
  'metrics-aggregator': metricsAggregatorVariables,
  migrate: migrateVariables,
};

/** Every variable of every service, in section order, as the loaders declare them. */
export const configVariables: readonly ConfigVariableDoc[] = CONFIG_SECTIONS.flatMap((service) =>
  Object.values(SECTION_VARIABLES[service]).map((v): ConfigVariableDoc => ({
    service,
    name: v.name,
    default: v.defaultText ?? null,
    required: v.presence === 'required',
    description: v.description,
  })),
);
