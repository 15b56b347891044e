import { startRedis } from '@switchyard/harness';
import { closeRedis, createRedis, defineScripts } from '@switchyard/redis';
import type { Redis } from '@switchyard/redis';

type Server = Awaited<ReturnType<typeof startRedis>>;

let server: Server;
let redis: Redis;

beforeAll(async () => {
  server = await startRedis();
  redis = createRedis({ url: server.url, name: 'autopipeline' });
  await redis.ping();
});

afterAll(async () => {
  await closeRedis(redis);
  await server.stop();
});

describe('defineScripts with auto-pipelining', () => {
  it('runs a script defined while other commands of the same tick are queued', async () => {
    // A script defined on first use, in the middle of traffic (as slots.ts does lazily):
    // ioredis 5.11 would crash the process with "results[i] is not iterable" here.
    const before = redis.set('ap:a', '1');
    const scripts = defineScripts(redis, {
      echo: { lua: 'return ARGV[1]', keys: 0 },
    });
    const during = scripts.echo([], ['hello']);
    const after = redis.get('ap:a');
    await expect(Promise.all([before, during, after])).resolves.toEqual(['OK', 'hello', '1']);
  });
});
