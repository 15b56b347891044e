import { startRedis } from '@switchyard/harness';
import {
  closeRedis,
  createRedis,
  defineScripts,
  ScriptArgumentError,
  UnexpectedReplyError,
} from '@switchyard/redis';
import type { Redis } from '@switchyard/redis';

type Server = Awaited<ReturnType<typeof startRedis>>;

let server: Server;
let redis: Redis;

beforeAll(async () => {
  server = await startRedis();
  redis = createRedis({ url: server.url, name: 'scripts-test' });
});

afterAll(async () => {
  await closeRedis(redis);
  await server.stop();
});

const specs = {
  incrBy: {
    lua: "return redis.call('INCRBY', KEYS[1], ARGV[1])",
    keys: 1,
    parse: (reply: unknown): number => {
      if (typeof reply !== 'number') throw new UnexpectedReplyError('incrBy', reply);
      return reply;
    },
  },
  countKeys: { lua: 'return #KEYS', keys: 'variadic' },
} as const;

describe('defineScripts', () => {
  it('returns callable scripts whose replies go through parse', async () => {
    const scripts = defineScripts(redis, specs);
    const value: number = await scripts.incrBy(['ds:counter'], [5]);
    expect(value).toBe(5);
    expect(await scripts.incrBy(['ds:counter'], [2])).toBe(7);
    expect(await scripts.countKeys(['x', 'y', 'z'])).toBe(3);
  });

  it('refuses a call with the wrong number of keys before sending it', async () => {
    const scripts = defineScripts(redis, specs);
    await expect(scripts.incrBy(['a', 'b'], [1])).rejects.toBeInstanceOf(ScriptArgumentError);
  });

  it('lets two definitions of the same script share one client', async () => {
    const first = defineScripts(redis, specs);
    const second = defineScripts(redis, { again: specs.incrBy });
    await first.incrBy(['ds:shared'], [1]);
    expect(await second.again(['ds:shared'], [1])).toBe(2);
  });

  it('keeps working after SCRIPT FLUSH', async () => {
    const scripts = defineScripts(redis, specs);
    await scripts.incrBy(['ds:flush'], [1]);
    await redis.script('FLUSH');
    expect(await scripts.incrBy(['ds:flush'], [1])).toBe(2);
  });
});
