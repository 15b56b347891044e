import { startHarness } from '@switchyard/harness';
import type { Harness } from '@switchyard/harness';
import { runConnectedService } from '@switchyard/runtime';
import type { Infrastructure } from '@switchyard/runtime';

let harness: Harness<{ nats: true; redis: true; migrate: true }>;

beforeAll(async () => {
  harness = await startHarness({ nats: true, redis: true, migrate: true });
});

afterAll(async () => {
  await harness?.stop();
});

function configFor(instanceId: string) {
  return {
    logLevel: 'warn',
    httpHost: '127.0.0.1',
    httpPort: 0,
    shutdownTimeoutMs: 10_000,
    instanceId,
    tracesExporter: 'none',
    natsServers: [harness.natsUrl],
    redisUrl: harness.redisUrl,
    databaseUrl: harness.databaseUrl,
  } as const;
}

describe('runConnectedService', () => {
  it('starts the service over live connections and serves their checks beside its own routes', async () => {
    const exits: number[] = [];
    const started: string[] = [];
    const running = await runConnectedService({
      service: 'svc-a',
      loadConfig: () => configFor('a-1'),
      exit: (code) => void exits.push(code),
      async start({ bus, config }) {
        await bus.nc.flush();
        started.push(config.instanceId);
        return {
          handler: (_req, res) => void res.end('own route'),
          stop: async () => undefined,
        };
      },
    });
    expect(running).not.toBeNull();
    expect(started).toEqual(['a-1']);
    const ready = await fetch(`${running!.ops.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { nats: 'ok', redis: 'ok', postgres: 'ok' },
    });
    expect(await (await fetch(`${running!.ops.url}/anything`)).text()).toBe('own route');
    expect(await running!.shutdown.shutdown('test')).toBe(0);
    running!.shutdown.dispose();
    expect(exits).toEqual([0]);
  });

  it('stops the service while its connections still work, then drains and closes them', async () => {
    const exits: number[] = [];
    const seenAtStop: string[] = [];
    let connections: Pick<Infrastructure, 'bus' | 'redis'> | undefined;
    const running = await runConnectedService({
      service: 'svc-b',
      loadConfig: () => configFor('b-1'),
      exit: (code) => void exits.push(code),
      async start({ bus, redis, db }) {
        connections = { bus, redis };
        return {
          stop: async () => {
            await bus.nc.flush();
            seenAtStop.push('nats');
            seenAtStop.push(await redis.ping());
            await db.sql`select 1`;
            seenAtStop.push('postgres');
          },
        };
      },
    });
    expect(await running!.shutdown.shutdown('test')).toBe(0);
    running!.shutdown.dispose();
    expect(seenAtStop).toEqual(['nats', 'PONG', 'postgres']);
    expect(connections!.bus.nc.isClosed()).toBe(true);
    expect(connections!.redis.status).toBe('end');
    expect(exits).toEqual([0]);
  });
});
