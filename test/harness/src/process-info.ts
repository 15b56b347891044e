import { readFileSync } from 'node:fs';

/**
 * When the process started, in clock ticks since boot (field 22 of /proc/<pid>/stat), or
 * undefined when it is gone. A pid plus its start time names one process even after the pid is
 * reused, so a stale record never makes us signal a stranger.
 */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces; count from after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): a zombie holds no port or file any more.
  if (fields[0] === 'Z') return undefined;
  return fields[19];
}
