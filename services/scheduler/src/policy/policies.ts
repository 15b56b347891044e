import { selectLayered } from './select-layered.js';
import type { SelectionPolicy } from './selection-plan.js';

/**
 * Selection policies by the name the config uses. Every policy has the same pure signature, so
 * a new strategy is one more entry here and the service does not change.
 */
export const policies = {
  layered: selectLayered,
} as const satisfies Record<string, SelectionPolicy>;

export type PolicyName = keyof typeof policies;

export const POLICY_NAMES = Object.keys(policies) as PolicyName[];

export function isPolicyName(value: unknown): value is PolicyName {
  return typeof value === 'string' && Object.hasOwn(policies, value);
}
