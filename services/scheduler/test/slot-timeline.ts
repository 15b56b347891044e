import type { Redis } from '@switchyard/redis';

/**
 * Replays every write to the slot zsets in the order Redis executed them, as reported by
 * MONITOR (which lists the commands run inside Lua scripts too), and keeps each key's highest
 * member count. Redis executes commands one at a time, so this is the exact holding timeline:
 * no sampling, no client-side clock.
 */
export class SlotTimeline {
  readonly #members = new Map<string, Map<string, number>>();
  readonly #max = new Map<string, number>();
  #admissions = 0;
  #lines = 0;
  readonly #isSlotKey: (key: string) => boolean;
  #monitor: Redis | undefined;

  constructor(isSlotKey: (key: string) => boolean) {
    this.#isSlotKey = isSlotKey;
  }

  async attach(redis: Redis): Promise<void> {
    this.#monitor = await redis.monitor();
    this.#monitor.on('monitor', (_time: string, args: string[]) => this.#apply(args));
  }

  /** Waits until a marker command (sent by the caller after the run) shows up, then detaches. */
  async detach(redis: Redis, markerKey: string): Promise<void> {
    let seen = false;
    this.#monitor?.on('monitor', (_time: string, args: string[]) => {
      if (args[1] === markerKey) seen = true;
    });
    await redis.get(markerKey);
    const deadline = Date.now() + 10_000;
    while (!seen && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    this.#monitor?.disconnect();
  }

  /** Highest number of simultaneous holders seen on each key. */
  maxHolders(): Map<string, number> {
    return new Map(this.#max);
  }

  /** Members added to a slot set that did not hold one there: slots handed out. */
  get admissions(): number {
    return this.#admissions;
  }

  get linesSeen(): number {
    return this.#lines;
  }

  #apply(args: string[]): void {
    this.#lines += 1;
    const [command, key] = [args[0]?.toUpperCase(), args[1]];
    if (key === undefined || !this.#isSlotKey(key)) return;
    let members = this.#members.get(key);
    if (members === undefined) this.#members.set(key, (members = new Map()));
    if (command === 'ZADD') {
      // ZADD key score member (the only form our scripts use).
      const [score, member] = [Number(args[2]), args[3]!];
      if (!members.has(member)) this.#admissions += 1;
      members.set(member, score);
      this.#max.set(key, Math.max(this.#max.get(key) ?? 0, members.size));
    } else if (command === 'ZREM') {
      for (const member of args.slice(2)) members.delete(member);
    } else if (command === 'ZREMRANGEBYSCORE') {
      // ZREMRANGEBYSCORE key -inf now: drop expired holders.
      const upTo = Number(args[3]);
      for (const [member, score] of members) if (score <= upTo) members.delete(member);
    } else if (command === 'DEL') {
      members.clear();
    }
  }
}
