import type { Redis } from '@switchyard/redis';

/** Calls per command from `INFO commandstats` (commands run inside scripts count too). */
export async function commandCalls(redis: Redis): Promise<Map<string, number>> {
  const info = await redis.info('commandstats');
  const calls = new Map<string, number>();
  for (const line of info.split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (match) calls.set(match[1]!, Number(match[2]));
  }
  return calls;
}

/** Count of errors of one kind (e.g. NOSCRIPT) from `INFO errorstats`. */
export async function errorCount(redis: Redis, kind: string): Promise<number> {
  const info = await redis.info('errorstats');
  const match = new RegExp(`errorstat_${kind}:count=(\\d+)`).exec(info);
  return match ? Number(match[1]) : 0;
}
