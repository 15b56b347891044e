/**
 * Which candidate set a request draws from (see bucket-membership.ts for who is in each):
 * - `single`: only accounts of the requested platform;
 * - `forced`: the client pinned the platform explicitly, only accounts of that platform;
 * - `mixed`:  accounts of the requested platform plus antigravity accounts that opted in to
 *             mixed scheduling (they can serve anthropic and gemini traffic).
 */
export const SchedulingMode = {
  Single: 'single',
  Forced: 'forced',
  Mixed: 'mixed',
} as const;

export type SchedulingMode = (typeof SchedulingMode)[keyof typeof SchedulingMode];

export const SCHEDULING_MODES = [
  SchedulingMode.Single,
  SchedulingMode.Forced,
  SchedulingMode.Mixed,
] as const satisfies readonly SchedulingMode[];

export function isSchedulingMode(value: unknown): value is SchedulingMode {
  return typeof value === 'string' && (SCHEDULING_MODES as readonly string[]).includes(value);
}
