import { connect, type Socket } from 'node:net';
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
  #socket: Socket | undefined;
  #marker: string | null = null;
  #markerSeen = false;

  constructor(isSlotKey: (key: string) => boolean) {
    this.#isSlotKey = isSlotKey;
  }

  /**
   * Starts listening. MONITOR runs on a plain socket of its own rather than ioredis's
   * `monitor()`, which can mistake a feed line for the reply of its own ready check and throw.
   */
  async attach(redis: Redis): Promise<void> {
    const socket = connect({
      host: redis.options.host ?? '127.0.0.1',
      port: redis.options.port ?? 6379,
    });
    this.#socket = socket;
    socket.setEncoding('utf8');
    let pending = '';
    let confirmed!: () => void;
    const ok = new Promise<void>((resolve) => (confirmed = resolve));
    socket.on('data', (chunk: string) => {
      pending += chunk;
      let end: number;
      while ((end = pending.indexOf('\r\n')) >= 0) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 2);
        if (line === '+OK') confirmed();
        else if (line.startsWith('+')) this.#line(line);
      }
    });
    socket.write('MONITOR\r\n');
    await ok;
  }

  /** Waits until a marker command (sent by the caller after the run) shows up, then detaches. */
  async detach(redis: Redis, markerKey: string): Promise<void> {
    this.#marker = markerKey;
    await redis.get(markerKey);
    const deadline = Date.now() + 10_000;
    while (!this.#markerSeen && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    this.#socket?.destroy();
  }

  /** One MONITOR line: `+<time> [<db> <client>] "CMD" "arg" ...`. */
  #line(line: string): void {
    const args = monitorArgs(line);
    if (this.#marker !== null && args[1] === this.#marker) this.#markerSeen = true;
    this.#apply(args);
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

/** The quoted arguments of a MONITOR line, unescaped (\\, \", \n, \r, \t, \xHH). */
function monitorArgs(line: string): string[] {
  const args: string[] = [];
  let i = line.indexOf('] ');
  if (i < 0) return args;
  i += 2;
  while (i < line.length) {
    if (line[i] !== '"') {
      i++;
      continue;
    }
    let arg = '';
    i++;
    while (i < line.length && line[i] !== '"') {
      if (line[i] === '\\') {
        const next = line[i + 1];
        if (next === 'x') {
          arg += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 4;
          continue;
        }
        arg += next === 'n' ? '\n' : next === 'r' ? '\r' : next === 't' ? '\t' : (next ?? '');
        i += 2;
        continue;
      }
      arg += line[i];
      i++;
    }
    args.push(arg);
    i++;
  }
  return args;
}
