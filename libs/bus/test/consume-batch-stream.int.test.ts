import { consumeBatchStream } from '@switchyard/bus';
import type { BatchItem, RawMessage } from '@switchyard/bus';
import { Usage, useJetStream } from './jetstream-fixture.js';
import { gate, waitFor } from './wait-for.js';

const fx = useJetStream({
  connectionName: 'batch-stream-test',
  streamPrefix: 'BATCH_STREAM',
  subjectTag: 'bs',
});

beforeEach(async () => {
  await fx.streamWithConsumer('writer');
});

async function pending(): Promise<number> {
  const { ackPending, pending } = await fx.pending('writer');
  return ackPending + pending;
}

/** Acks are sent without waiting for the server: poll until none is outstanding. */
async function allAcked(): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await pending()) !== 0) {
    if (Date.now() > deadline) throw new Error(`still unacked: ${await pending()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('consumeBatchStream', () => {
  it('cuts batches by size and hands over a partial batch after maxWaitMs', async () => {
    const batches: string[][] = [];
    fx.running.push(
      await consumeBatchStream(fx.bus.js(), fx.stream, 'writer', {
        schema: Usage,
        batchSize: 10,
        maxWaitMs: 50,
        handler: async (items: BatchItem<Usage>[]) => {
          batches.push(items.map((i) => i.value.requestId));
        },
      }),
    );
    await fx.publishUsage(23);
    await waitFor('23 events handled', () => batches.flat().length === 23);
    expect(batches.every((b) => b.length <= 10)).toBe(true);
    expect(new Set(batches.flat()).size).toBe(23);
    await allAcked();
  });

  it('acks only after the handler resolved, and redelivers a batch whose handler threw', async () => {
    const release = gate();
    let attempts = 0;
    const stored = new Set<string>();
    const handle = await consumeBatchStream(fx.bus.js(), fx.stream, 'writer', {
      schema: Usage,
      batchSize: 5,
      maxWaitMs: 20,
      nakDelayMs: 50,
      maxInFlight: 1,
      handler: async (items: BatchItem<Usage>[]) => {
        attempts++;
        if (attempts === 1) {
          await release.promise;
          throw new Error('database down');
        }
        for (const item of items) stored.add(item.value.requestId);
      },
    });
    fx.running.push(handle);
    await fx.publishUsage(5);
    await waitFor('first attempt running', () => attempts === 1);
    // In the handler, not acked yet.
    expect(await pending()).toBe(5);
    release.open();
    await waitFor('redelivered and stored', () => stored.size === 5);
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(handle.stats().failed).toBe(5);
  });

  it('parks malformed messages and keeps going; stop() finishes the batches in hand', async () => {
    const parked: RawMessage[] = [];
    const slow = gate();
    const seen: string[] = [];
    const handle = await consumeBatchStream(fx.bus.js(), fx.stream, 'writer', {
      schema: Usage,
      batchSize: 100,
      maxWaitMs: 20,
      onMalformed: (raw) => {
        parked.push(raw);
      },
      handler: async (items: BatchItem<Usage>[]) => {
        await slow.promise;
        seen.push(...items.map((i) => i.value.requestId));
      },
    });
    await fx.bus.js().publish(fx.subject, new TextEncoder().encode('not json'), { msgID: 'bad' });
    await fx.publishUsage(3);
    await waitFor('malformed parked', () => parked.length === 1);
    expect(new TextDecoder().decode(parked[0]!.data)).toBe('not json');
    await new Promise((r) => setTimeout(r, 100));
    const stopping = handle.stop();
    slow.open();
    await stopping;
    expect(seen).toEqual(['r0', 'r1', 'r2']);
    expect(handle.stats()).toEqual({ acked: 3, failed: 0, malformed: 1 });
    await allAcked();
  });
});
