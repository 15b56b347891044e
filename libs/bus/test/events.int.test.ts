import { startNats } from '@switchyard/harness';
import type { NatsServer } from '@switchyard/harness';
import { connectBus, BusMalformedMessageError, publish, subscribe } from '@switchyard/bus';
import type { Bus, RawMessage, SubscriptionHandle } from '@switchyard/bus';
import { z } from 'zod';
import { waitFor } from './wait-for.js';

const Report = z.object({ accountId: z.string(), ok: z.boolean() });
type Report = z.infer<typeof Report>;

let server: NatsServer;
let bus: Bus;
const subs: SubscriptionHandle[] = [];
let n = 0;
let subject: string;

beforeAll(async () => {
  server = await startNats({ jetstream: false });
  bus = await connectBus({ servers: server.url, name: 'events-test' });
});

afterAll(async () => {
  await bus.close();
  await server.stop();
});

beforeEach(() => {
  subject = `test.events.${++n}`;
});

afterEach(() => {
  for (const s of subs.splice(0)) s.stop();
});

describe('publish/subscribe', () => {
  it('delivers every event to every fan-out subscriber', async () => {
    const a: Report[] = [];
    const b: Report[] = [];
    subs.push(subscribe(bus.nc, subject, { schema: Report, handler: (r) => void a.push(r) }));
    subs.push(subscribe(bus.nc, subject, { schema: Report, handler: (r) => void b.push(r) }));
    await bus.nc.flush();
    publish(bus.nc, subject, { accountId: 'x', ok: true });
    publish(bus.nc, subject, { accountId: 'y', ok: false });
    await waitFor('both subscribers got both', () => a.length === 2 && b.length === 2);
    expect(a).toEqual([
      { accountId: 'x', ok: true },
      { accountId: 'y', ok: false },
    ]);
    expect(b).toEqual(a);
  });

  it('counts and reports malformed events, then keeps delivering', async () => {
    const got: Report[] = [];
    const malformed: Array<{ raw: RawMessage; reason: BusMalformedMessageError }> = [];
    const sub = subscribe(bus.nc, subject, {
      schema: Report,
      handler: (r) => void got.push(r),
      onMalformed: (raw, reason) => malformed.push({ raw, reason }),
    });
    subs.push(sub);
    await bus.nc.flush();
    bus.nc.publish(subject, 'garbage');
    publish(bus.nc, subject, { accountId: 1 });
    publish(bus.nc, subject, { accountId: 'z', ok: true });
    await waitFor('the valid event', () => got.length === 1);
    expect(got).toEqual([{ accountId: 'z', ok: true }]);
    expect(malformed).toHaveLength(2);
    expect(new TextDecoder().decode(malformed[0]!.raw.data)).toBe('garbage');
    expect(malformed[0]!.reason).toBeInstanceOf(BusMalformedMessageError);
    expect(malformed[1]!.reason.message).toMatch(/accountId/);
    expect(sub.stats()).toEqual({ received: 3, malformed: 2, failed: 0 });
  });

  it('survives a handler that throws', async () => {
    let calls = 0;
    const sub = subscribe(bus.nc, subject, {
      schema: Report,
      handler: async () => {
        calls++;
        throw new Error('handler bug');
      },
    });
    subs.push(sub);
    await bus.nc.flush();
    publish(bus.nc, subject, { accountId: 'a', ok: true });
    publish(bus.nc, subject, { accountId: 'b', ok: true });
    await waitFor('two failures counted', () => sub.stats().failed === 2);
    expect(calls).toBe(2);
  });

  it('shares events across a queue group', async () => {
    const got: string[] = [];
    for (let i = 0; i < 2; i++) {
      subs.push(
        subscribe(bus.nc, subject, {
          queue: 'q',
          schema: Report,
          handler: (r) => void got.push(r.accountId),
        }),
      );
    }
    await bus.nc.flush();
    for (let i = 0; i < 20; i++) publish(bus.nc, subject, { accountId: `a${i}`, ok: true });
    await bus.nc.flush();
    await waitFor('20 events', () => got.length === 20);
    expect(new Set(got).size).toBe(20);
  });
});
