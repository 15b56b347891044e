import { z } from 'zod';
import { connectBus, request, serve } from '@switchyard/bus';
import { startHarness } from '@switchyard/harness';
import { acquireSlot, createRedis, KeyBuilder, readLoads, releaseSlot } from '@switchyard/redis';
import type { Bench } from '../bench.js';
import { summarizeNs, timeSequential } from '../stats.js';
import type { BenchRow } from '../report.js';

const ITERATIONS = 5000;

function row(name: string, samples: number[], extra: Partial<BenchRow> = {}): BenchRow {
  const s = summarizeNs(samples);
  return { case: name, p50Us: s.p50Us, p99Us: s.p99Us, throughputPerSec: 1e6 / s.meanUs, ...extra };
}

/**
 * The floors every RPC figure is judged against, measured beside what our libraries add on top:
 * a bare NATS echo request vs the typed `request`/`serve` pair (JSON, schema check, envelope,
 * trace headers), and a Redis PING vs the slot scripts.
 */
export const busBench: Bench = {
  name: 'bus',
  description: 'NATS request/reply and Redis slot scripts: our helpers vs bare round trips',
  async run() {
    const harness = await startHarness({ nats: true, redis: true });
    const bus = await connectBus({ servers: harness.natsUrl, name: 'bench' });
    const redis = createRedis({ url: harness.redisUrl });
    try {
      const echo = bus.nc.subscribe('bench.echo', { callback: (_e, m) => void m.respond(m.data) });
      const payload = new TextEncoder().encode(JSON.stringify({ requestId: 'r-1', groupId: 1 }));
      const bare = await timeSequential(
        () => bus.nc.request('bench.echo', payload, { timeout: 1000 }),
        ITERATIONS,
      );

      const schema = z.object({ requestId: z.string(), groupId: z.number().int() });
      const handle = serve(bus.nc, 'bench.typed', {
        queue: 'bench',
        requestSchema: schema,
        handler: async (req) => ({ ok: req.groupId }),
      });
      const typed = await timeSequential(
        () => request(bus.nc, 'bench.typed', { requestId: 'r-1', groupId: 1 }, { timeoutMs: 1000 }),
        ITERATIONS,
      );

      const ping = await timeSequential(() => redis.ping(), ITERATIONS);
      const keys = new KeyBuilder('bench:');
      let n = 0;
      const slot = await timeSequential(async () => {
        const id = `r${n++}`;
        await acquireSlot(redis, keys.slots(1), {
          requestId: id,
          limit: 3,
          ttlMs: 60000,
          now: Date.now(),
        });
        await releaseSlot(redis, keys.slots(1), id);
      }, ITERATIONS);
      const ids = Array.from({ length: 100 }, (_, i) => i + 1);
      const loads = await timeSequential(() => readLoads(redis, keys, ids, Date.now()), ITERATIONS);

      echo.unsubscribe();
      handle.stop();
      return {
        rows: [
          row('nats echo (bare request)', bare),
          row('bus request + serve (typed)', typed, { baseline: 'nats echo (bare request)' }),
          row('redis PING', ping),
          row('slot acquire + release (2 calls)', slot, { baseline: 'redis PING' }),
          row('readLoads, 100 accounts (1 call)', loads, { baseline: 'redis PING' }),
        ],
      };
    } finally {
      await redis.quit().catch(() => undefined);
      await bus.close();
      await harness.stop();
    }
  },
};
