import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ScriptArgumentError } from './redis-errors.js';

/** How a script is declared. `parse` turns the raw Lua reply into the caller's type. */
export interface ScriptSpec<R = unknown> {
  readonly lua: string;
  /** Number of KEYS the script takes, or 'variadic' when the caller decides per call. */
  readonly keys: number | 'variadic';
  /** Lets a replica-reading client route it; only for scripts that never write. */
  readonly readOnly?: boolean;
  readonly parse?: (reply: unknown) => R;
}

export type ScriptArg = string | number;

/** A loaded script: call it with its keys and arguments. */
export type ScriptFn<R> = (keys: readonly string[], args?: readonly ScriptArg[]) => Promise<R>;

export type ScriptFns<D extends Record<string, ScriptSpec<unknown>>> = {
  readonly [K in keyof D]: D[K] extends ScriptSpec<infer R> ? ScriptFn<R> : never;
};

type RawCommand = (...args: ScriptArg[]) => Promise<unknown>;

/**
 * Registers Lua scripts on a client and returns one typed function per script.
 *
 * Built on ioredis `defineCommand`: the first call on a connection sends EVAL (which also
 * caches the script server-side), later calls send EVALSHA, and a NOSCRIPT reply (after a
 * `SCRIPT FLUSH` or a failover to a fresh server) is retried once as EVAL. Commands are
 * registered under a name derived from the script's SHA, so two modules that both define
 * `acquire` on one client cannot overwrite each other, and defining the same script twice is
 * harmless.
 */
export function defineScripts<D extends Record<string, ScriptSpec<unknown>>>(
  redis: Redis,
  specs: D,
): ScriptFns<D> {
  const out: Record<string, ScriptFn<unknown>> = {};
  const commands = redis as unknown as Record<string, RawCommand>;
  for (const [name, spec] of Object.entries(specs)) {
    const sha = createHash('sha1').update(spec.lua).digest('hex');
    const command = `__sy_${sha}`;
    if (typeof commands[command] !== 'function') {
      // No numberOfKeys: we pass the count ourselves so 'variadic' scripts work too.
      redis.defineCommand(command, { lua: spec.lua, readOnly: spec.readOnly ?? false });
      keepOutOfPendingPipelines(redis, command);
    }
    const parse = spec.parse;
    const expected = spec.keys;
    out[name] = async (keys, args = []) => {
      if (expected !== 'variadic' && keys.length !== expected) {
        throw new ScriptArgumentError(`script ${name} takes ${expected} keys, got ${keys.length}`);
      }
      const reply = await commands[command]!.call(redis, keys.length, ...keys, ...args);
      return parse === undefined ? reply : parse(reply);
    };
  }
  return out as ScriptFns<D>;
}

/**
 * Keeps a script command out of auto-pipelining. An auto-pipeline opened before the command was
 * defined lacks it, and ioredis 5.11 then crashes the process with "results[i] is not iterable"
 * (redis/ioredis#1931, fixed in later releases); scripts defined lazily — on first use, while
 * other commands are in flight — hit exactly that, and such a pipeline can stay pending for as
 * long as the one before it waits for its replies, so no time window is safe. Scripts are
 * still sent at once, each in its own write, just not batched with their neighbours.
 */
function keepOutOfPendingPipelines(redis: Redis, command: string): void {
  const options = redis.options;
  options.autoPipeliningIgnoredCommands = [
    ...(options.autoPipeliningIgnoredCommands ?? []),
    command,
  ];
}
