import type { Fault } from './behaviour.js';
import type { Platform } from './platform.js';

/** What a fault's scope is matched against. */
export interface FaultTarget {
  readonly path: string;
  readonly model: string | null;
  readonly stream: boolean;
  readonly platform: Platform | null;
}

/** A fault with its remaining count (null: unlimited). */
export interface ArmedFault {
  readonly fault: Fault;
  remaining: number | null;
}

export const OAUTH_TOKEN_PATH = '/oauth/token';

export function armFaults(faults: readonly Fault[]): ArmedFault[] {
  return faults.map((fault) => ({
    fault,
    remaining: fault.times ?? (fault.once === true ? 1 : null),
  }));
}

function pathMatches(pattern: string | undefined, path: string): boolean {
  if (pattern === undefined) return path !== OAUTH_TOKEN_PATH;
  if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1));
  return path === pattern;
}

function inScope(fault: Fault, target: FaultTarget): boolean {
  return (
    pathMatches(fault.path, target.path) &&
    (fault.model === undefined || fault.model === target.model) &&
    (fault.stream === undefined || fault.stream === target.stream) &&
    (fault.platform === undefined || fault.platform === target.platform)
  );
}

/**
 * The first fault that matches the target and fires, counting it down. `random` returns a
 * number in [0, 1), so probability 0 never fires and probability 1 always does.
 */
export function takeFault(
  armed: readonly ArmedFault[],
  target: FaultTarget,
  random: () => number,
): Fault | null {
  for (const entry of armed) {
    if (entry.remaining !== null && entry.remaining <= 0) continue;
    if (!inScope(entry.fault, target)) continue;
    const p = entry.fault.probability;
    if (p !== undefined && !(random() < p)) continue;
    if (entry.remaining !== null) entry.remaining -= 1;
    return entry.fault;
  }
  return null;
}
