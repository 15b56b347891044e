import { startNats } from '@switchyard/harness';
import type { NatsServer } from '@switchyard/harness';
import {
  BusAbortedError,
  BusMalformedReplyError,
  BusNoRespondersError,
  BusRemoteError,
  BusTimeoutError,
  connectBus,
  request,
  serve,
} from '@switchyard/bus';
import type { Bus, ServeHandle } from '@switchyard/bus';
import { z } from 'zod';
import { gate } from './wait-for.js';

const Add = z.object({ a: z.number(), b: z.number() });
const Sum = z.object({ sum: z.number() });

let server: NatsServer;
let client: Bus;
let responder: Bus;
const handles: ServeHandle[] = [];
let subjectNo = 0;
let subject: string;

beforeAll(async () => {
  server = await startNats({ jetstream: false });
  client = await connectBus({ servers: server.url, name: 'rr-client' });
  responder = await connectBus({ servers: server.url, name: 'rr-responder' });
});

afterAll(async () => {
  await client.close();
  await responder.close();
  await server.stop();
});

beforeEach(() => {
  subject = `test.rr.${++subjectNo}`;
});

afterEach(() => {
  for (const h of handles.splice(0)) h.stop();
});

function serveAdd(bus: Bus = responder, queue?: string): ServeHandle {
  const handle = serve(bus.nc, subject, {
    queue,
    requestSchema: Add,
    handler: async ({ a, b }) => ({ sum: a + b }),
  });
  handles.push(handle);
  return handle;
}

/** Serves the subject with a handler that answers only once the returned gate opens. */
async function serveHeld(): Promise<ReturnType<typeof gate>> {
  const hold = gate();
  handles.push(
    serve(responder.nc, subject, {
      requestSchema: Add,
      handler: async () => {
        await hold.promise;
        return { sum: 0 };
      },
    }),
  );
  await responder.nc.flush();
  return hold;
}

describe('request/serve', () => {
  it('resolves the data of the reply', async () => {
    serveAdd();
    await responder.nc.flush();
    const reply = await request(
      client.nc,
      subject,
      { a: 2, b: 3 },
      { timeoutMs: 5_000, replySchema: Sum },
    );
    expect(reply).toEqual({ sum: 5 });
  });

  it('fails with BusNoRespondersError, not a timeout, when nobody serves the subject', async () => {
    const attempt = request(client.nc, subject, { a: 1, b: 1 }, { timeoutMs: 30_000 });
    await expect(attempt).rejects.toBeInstanceOf(BusNoRespondersError);
    await expect(attempt).rejects.toMatchObject({ code: 'no_responders', retryable: true });
  });

  it('fails with BusTimeoutError when the responder does not answer in time', async () => {
    const hold = await serveHeld();
    const attempt = request(client.nc, subject, { a: 1, b: 1 }, { timeoutMs: 200 });
    await expect(attempt).rejects.toBeInstanceOf(BusTimeoutError);
    await expect(attempt).rejects.toMatchObject({ code: 'timeout', retryable: true });
    hold.open();
  });

  it('answers a malformed request with invalid_request and keeps serving', async () => {
    const handle = serveAdd();
    await responder.nc.flush();

    const notJson = await client.nc.request(subject, new TextEncoder().encode('{nope'), {
      timeout: 5_000,
    });
    expect(notJson.json()).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', retryable: false },
    });

    const wrongShape = request(client.nc, subject, { a: 'two' }, { timeoutMs: 5_000 });
    await expect(wrongShape).rejects.toBeInstanceOf(BusRemoteError);
    await expect(wrongShape).rejects.toMatchObject({ code: 'invalid_request', retryable: false });
    await expect(wrongShape).rejects.toThrow(/a:/);

    expect(await request(client.nc, subject, { a: 4, b: 4 }, { timeoutMs: 5_000 })).toEqual({
      sum: 8,
    });
    expect(handle.stats()).toEqual({ received: 3, invalid: 2, failed: 0 });
  });

  it("carries the handler's error code and retryable flag back as BusRemoteError", async () => {
    class AccountBusy extends Error {
      readonly code = 'no_capacity';
      readonly retryable = true;
    }
    handles.push(
      serve(responder.nc, subject, {
        requestSchema: Add,
        handler: async () => {
          throw new AccountBusy('all accounts busy');
        },
      }),
    );
    await responder.nc.flush();
    const attempt = request(client.nc, subject, { a: 1, b: 1 }, { timeoutMs: 5_000 });
    await expect(attempt).rejects.toBeInstanceOf(BusRemoteError);
    await expect(attempt).rejects.toMatchObject({
      code: 'no_capacity',
      retryable: true,
      message: 'all accounts busy',
    });
  });

  it('answers internal for an error without a code, including a synchronous throw', async () => {
    handles.push(
      serve(responder.nc, subject, {
        requestSchema: Add,
        handler: (req) => {
          if (req.a === 0) throw new Error('boom');
          return Promise.reject(new TypeError('bad'));
        },
      }),
    );
    await responder.nc.flush();
    for (const a of [0, 1]) {
      await expect(
        request(client.nc, subject, { a, b: 1 }, { timeoutMs: 5_000 }),
      ).rejects.toMatchObject({
        name: 'BusRemoteError',
        code: 'internal',
      });
    }
  });

  it('rejects a reply that fails the reply schema with BusMalformedReplyError', async () => {
    serveAdd();
    await responder.nc.flush();
    const wrongSchema = z.object({ total: z.number() });
    await expect(
      request(client.nc, subject, { a: 1, b: 2 }, { timeoutMs: 5_000, replySchema: wrongSchema }),
    ).rejects.toBeInstanceOf(BusMalformedReplyError);
  });

  it('rejects a reply that is not an envelope with BusMalformedReplyError', async () => {
    const sub = responder.nc.subscribe(subject, {
      callback: (_err, msg) => {
        msg.respond('plain text');
      },
    });
    await responder.nc.flush();
    await expect(request(client.nc, subject, {}, { timeoutMs: 5_000 })).rejects.toMatchObject({
      name: 'BusMalformedReplyError',
      code: 'malformed_reply',
    });
    sub.unsubscribe();
  });

  it('rejects with BusAbortedError when the signal fires first', async () => {
    const hold = await serveHeld();
    const controller = new AbortController();
    const attempt = request(
      client.nc,
      subject,
      { a: 1, b: 1 },
      { timeoutMs: 5_000, signal: controller.signal },
    );
    controller.abort();
    await expect(attempt).rejects.toBeInstanceOf(BusAbortedError);
    hold.open();
  });

  it('shares requests across a queue group, answering each request once', async () => {
    const other = await connectBus({ servers: server.url, name: 'rr-responder-2' });
    const seen = { one: 0, two: 0 };
    for (const [bus, name] of [
      [responder, 'one'],
      [other, 'two'],
    ] as const) {
      handles.push(
        serve(bus.nc, subject, {
          queue: 'adders',
          requestSchema: Add,
          handler: async ({ a }) => {
            seen[name]++;
            return { by: name, a };
          },
        }),
      );
      await bus.nc.flush();
    }
    const replies = await Promise.all(
      Array.from({ length: 60 }, (_, a) =>
        request<{ by: string; a: number }>(client.nc, subject, { a, b: 0 }, { timeoutMs: 5_000 }),
      ),
    );
    expect(replies.map((r) => r.a)).toEqual(Array.from({ length: 60 }, (_, a) => a));
    expect(seen.one + seen.two).toBe(60);
    expect(seen.one).toBeGreaterThan(0);
    expect(seen.two).toBeGreaterThan(0);
    for (const h of handles.splice(0)) h.stop();
    await other.close();
  });

  it('drain waits for requests already being handled', async () => {
    const hold = gate();
    const entered = gate();
    const handle = serve(responder.nc, subject, {
      requestSchema: Add,
      handler: async ({ a, b }) => {
        entered.open();
        await hold.promise;
        return { sum: a + b };
      },
    });
    await responder.nc.flush();
    const pending = request(client.nc, subject, { a: 1, b: 2 }, { timeoutMs: 5_000 });
    await entered.promise;
    let drained = false;
    const draining = handle.drain().then(() => (drained = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(drained).toBe(false);
    hold.open();
    await draining;
    expect(await pending).toEqual({ sum: 3 });
  });
});
