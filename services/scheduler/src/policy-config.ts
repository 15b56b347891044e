import type { SchedulerConfig } from '@switchyard/config';
import type { PolicyConfig } from './policy/index.js';

/** The policy's tunables, taken from the validated service configuration. */
export function toPolicyConfig(config: SchedulerConfig): PolicyConfig {
  return {
    stickyEscapeEnabled: config.stickyEscapeEnabled,
    stickyEscapeTtftMs: config.stickyEscapeTtftMs,
    stickyEscapeErrorRate: config.stickyEscapeErrorRate,
    weights: { ...config.weights },
    topK: config.topK,
    stickyMaxWaiting: config.stickyMaxWaiting,
    stickyWaitTimeoutMs: config.stickyWaitTimeoutMs,
    fallbackMaxWaiting: config.fallbackMaxWaiting,
    fallbackWaitTimeoutMs: config.fallbackWaitTimeoutMs,
  };
}
