import { startNats } from '@switchyard/harness';
import type { NatsServer } from '@switchyard/harness';
import { BusConnectionError, connectBus, request, serve } from '@switchyard/bus';
import type { BusLogger } from '@switchyard/bus';
import { z } from 'zod';
import { waitFor } from './wait-for.js';

const Ping = z.object({ n: z.number() });

/** A logger that remembers what it was told. */
function recordingLogger(): BusLogger & { messages: string[] } {
  const messages: string[] = [];
  const log = (msg: string) => void messages.push(msg);
  return { messages, debug: log, info: log, warn: log, error: log };
}

let server: NatsServer;

beforeAll(async () => {
  server = await startNats({ jetstream: false });
});

afterAll(async () => {
  await server.stop();
});

describe('connectBus', () => {
  it('reconnects after the server restarts, and its responders serve again', async () => {
    const logger = recordingLogger();
    const options = { servers: server.url, logger, reconnectTimeWaitMs: 100 };
    const responder = await connectBus({ ...options, name: 'reconnect-responder' });
    const client = await connectBus({ ...options, name: 'reconnect-client' });
    serve(responder.nc, 'test.reconnect', { requestSchema: Ping, handler: async ({ n }) => n + 1 });
    await responder.nc.flush();
    expect(await request(client.nc, 'test.reconnect', { n: 1 }, { timeoutMs: 5_000 })).toBe(2);

    server.kill();
    await waitFor('a disconnect', () => logger.messages.includes('nats disconnected'));
    await server.restart();
    await waitFor(
      'both connections back',
      () => logger.messages.filter((m) => m === 'nats reconnected').length === 2,
    );
    // The client re-subscribes on reconnect; a flush makes sure the server has the subscription.
    await responder.nc.flush();
    expect(await request(client.nc, 'test.reconnect', { n: 41 }, { timeoutMs: 5_000 })).toBe(42);

    await client.close();
    await responder.close();
    expect(logger.messages).toContain('nats connection closed');
  });

  it('reports an unreachable server as BusConnectionError', async () => {
    const other = await startNats({ jetstream: false });
    const url = other.url;
    await other.stop();
    await expect(connectBus({ servers: url, name: 'nobody-home' })).rejects.toBeInstanceOf(
      BusConnectionError,
    );
  });

  it('resolves closed() after drain', async () => {
    const bus = await connectBus({ servers: server.url, name: 'drainer' });
    await bus.drain();
    await expect(bus.closed()).resolves.toBeUndefined();
    expect(bus.nc.isClosed()).toBe(true);
  });
});
