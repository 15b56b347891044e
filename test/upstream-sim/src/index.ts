export { createUpstreamSim } from './create-upstream-sim.js';
export type { UpstreamSim, UpstreamSimOptions } from './create-upstream-sim.js';
export { SimControl } from './core/sim-control.js';
export type { CredentialView } from './core/sim-control.js';
export { DEFAULT_BEHAVIOUR } from './core/behaviour.js';
export type {
  Behaviour,
  BehaviourInput,
  Fault,
  FaultFrequency,
  FaultScope,
  ResetBeforeFault,
  ResetMidStreamFault,
  StatusFault,
} from './core/behaviour.js';
export { parseBehaviour, parseFault } from './core/parse-behaviour.js';
export { SimConfigError } from './core/sim-config-error.js';
export { Platform } from './core/platform.js';
export { DEFAULT_LOG_CAPACITY } from './core/request-log.js';
export type { RequestLogEntry, RequestLogFilter } from './core/request-log.js';
export { countTokens } from './core/answer.js';
export { formatOpenAiDuration } from './wire/openai-duration.js';
export { parseCliArgs, CLI_USAGE } from './parse-cli-args.js';
export type { CliOptions } from './parse-cli-args.js';
