import {
  BusConfigConflictError,
  BusPublishError,
  consume,
  consumeBatches,
  ensureConsumer,
  ensureStream,
  publishDurable,
} from '@switchyard/bus';
import type { BatchItem, MessageMeta, RawMessage } from '@switchyard/bus';
import { Usage, useJetStream } from './jetstream-fixture.js';
import { waitFor } from './wait-for.js';

const fx = useJetStream({ connectionName: 'js-test', streamPrefix: 'TEST', subjectTag: 'js' });

describe('ensureStream', () => {
  it('creates once, then leaves an identical stream alone', async () => {
    const options = { name: fx.stream, subjects: [`${fx.prefix}.>`], maxAgeMs: 3_600_000 };
    expect(await ensureStream(fx.jsm, options)).toBe('created');
    expect(await ensureStream(fx.jsm, options)).toBe('unchanged');
    const info = await fx.jsm.streams.info(fx.stream);
    expect(info.config.duplicate_window).toBe(120_000 * 1_000_000);
    expect(info.config.storage).toBe('file');
  });

  it('updates a stream whose limits changed', async () => {
    await ensureStream(fx.jsm, { name: fx.stream, subjects: [`${fx.prefix}.a`] });
    const outcome = await ensureStream(fx.jsm, {
      name: fx.stream,
      subjects: [`${fx.prefix}.a`, `${fx.prefix}.b`],
      maxAgeMs: 60_000,
    });
    expect(outcome).toBe('updated');
    const info = await fx.jsm.streams.info(fx.stream);
    expect(info.config.subjects).toEqual([`${fx.prefix}.a`, `${fx.prefix}.b`]);
    expect(info.config.max_age).toBe(60_000 * 1_000_000);
    // The default 2 min duplicate window is shortened to the 1 min max age.
    expect(info.config.duplicate_window).toBe(60_000 * 1_000_000);
  });

  it('is safe when replicas ensure the same stream concurrently', async () => {
    const options = { name: fx.stream, subjects: [`${fx.prefix}.>`] };
    const outcomes = await Promise.all([1, 2, 3].map(() => ensureStream(fx.jsm, options)));
    expect(outcomes.every((o) => o === 'created' || o === 'unchanged')).toBe(true);
    expect(await ensureStream(fx.jsm, options)).toBe('unchanged');
  });

  it('refuses to change the storage of an existing stream', async () => {
    await ensureStream(fx.jsm, { name: fx.stream, subjects: [`${fx.prefix}.>`] });
    await expect(
      ensureStream(fx.jsm, { name: fx.stream, subjects: [`${fx.prefix}.>`], storage: 'memory' }),
    ).rejects.toBeInstanceOf(BusConfigConflictError);
  });
});

describe('ensureConsumer', () => {
  it('creates a durable explicit-ack pull consumer once, then leaves it alone', async () => {
    await ensureStream(fx.jsm, { name: fx.stream, subjects: [`${fx.prefix}.>`] });
    const options = { durableName: 'agg', filterSubject: fx.subject, ackWaitMs: 10_000 };
    expect(await ensureConsumer(fx.jsm, fx.stream, options)).toBe('created');
    expect(await ensureConsumer(fx.jsm, fx.stream, options)).toBe('unchanged');
    const info = await fx.jsm.consumers.info(fx.stream, 'agg');
    expect(info.config).toMatchObject({
      durable_name: 'agg',
      ack_policy: 'explicit',
      filter_subject: fx.subject,
      ack_wait: 10_000 * 1_000_000,
    });
    expect(info.config.deliver_subject).toBeUndefined();
  });

  it('updates the ack wait and max deliveries in place', async () => {
    await ensureStream(fx.jsm, { name: fx.stream, subjects: [`${fx.prefix}.>`] });
    await ensureConsumer(fx.jsm, fx.stream, { durableName: 'agg', ackWaitMs: 10_000 });
    expect(
      await ensureConsumer(fx.jsm, fx.stream, {
        durableName: 'agg',
        ackWaitMs: 20_000,
        maxDeliver: 5,
      }),
    ).toBe('updated');
    const info = await fx.jsm.consumers.info(fx.stream, 'agg');
    expect(info.config.ack_wait).toBe(20_000 * 1_000_000);
    expect(info.config.max_deliver).toBe(5);
  });

  it('refuses to change where an existing consumer starts', async () => {
    await ensureStream(fx.jsm, { name: fx.stream, subjects: [`${fx.prefix}.>`] });
    await ensureConsumer(fx.jsm, fx.stream, { durableName: 'agg' });
    await expect(
      ensureConsumer(fx.jsm, fx.stream, { durableName: 'agg', deliverPolicy: 'new' }),
    ).rejects.toBeInstanceOf(BusConfigConflictError);
  });
});

describe('publishDurable', () => {
  it('stores one message when the same msgId is published twice', async () => {
    await fx.streamWithConsumer('worker');
    const usage = { requestId: 'req-1', tokens: 10 };
    const first = await publishDurable(fx.bus.js(), fx.subject, usage, { msgId: 'req-1' });
    const second = await publishDurable(fx.bus.js(), fx.subject, usage, { msgId: 'req-1' });
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.seq).toBe(first.seq);
    expect((await fx.jsm.streams.info(fx.stream)).state.messages).toBe(1);
  });

  it('throws BusPublishError after its retries when no stream takes the subject', async () => {
    const attempt = publishDurable(
      fx.bus.js(),
      `nostream.${fx.stream}`,
      {},
      { msgId: 'x', timeoutMs: 500, retries: 2 },
    );
    await expect(attempt).rejects.toBeInstanceOf(BusPublishError);
    await expect(attempt).rejects.toMatchObject({
      code: 'publish_failed',
      attempts: 3,
      retryable: true,
    });
  });
});

describe('consume', () => {
  it('acks handled messages, parks a malformed one and still delivers the next', async () => {
    await fx.streamWithConsumer('worker');
    const seen: Array<{ value: Usage; meta: MessageMeta }> = [];
    const parked: RawMessage[] = [];
    fx.running.push(
      await consume(fx.bus.js(), fx.stream, 'worker', {
        schema: Usage,
        handler: async (value, meta) => {
          seen.push({ value, meta });
        },
        onMalformed: async (raw) => {
          parked.push(raw);
        },
      }),
    );
    await publishDurable(fx.bus.js(), fx.subject, { requestId: 'a', tokens: 1 }, { msgId: 'a' });
    await publishDurable(
      fx.bus.js(),
      fx.subject,
      { requestId: 'b', tokens: 'many' },
      { msgId: 'b' },
    );
    await fx.bus.js().publish(fx.subject, new TextEncoder().encode('not json'), { msgID: 'c' });
    await publishDurable(fx.bus.js(), fx.subject, { requestId: 'd', tokens: 4 }, { msgId: 'd' });

    await waitFor('two handled and two parked', () => seen.length === 2 && parked.length === 2);
    expect(seen.map((s) => s.value.requestId)).toEqual(['a', 'd']);
    expect(seen[0]!.meta).toMatchObject({ seq: 1, deliveryCount: 1, subject: fx.subject });
    expect(seen[0]!.meta.timestampMs).toBeGreaterThan(0);
    expect(parked.map((p) => p.seq)).toEqual([2, 3]);
    expect(new TextDecoder().decode(parked[1]!.data)).toBe('not json');
    await waitFor('all acked or terminated', () => fx.running[0]!.stats().acked === 2);
    // Terminated messages are settled too: nothing waits for redelivery.
    await fx.bus.nc.flush();
    expect(await fx.pending('worker')).toEqual({ ackPending: 0, pending: 0 });
    expect(fx.running[0]!.stats()).toEqual({ acked: 2, failed: 0, malformed: 2 });
  });

  it('redelivers a message whose handler threw', async () => {
    await fx.streamWithConsumer('worker');
    const deliveries: number[] = [];
    fx.running.push(
      await consume(fx.bus.js(), fx.stream, 'worker', {
        schema: Usage,
        nakDelayMs: 50,
        handler: async (_value, meta) => {
          deliveries.push(meta.deliveryCount);
          if (meta.deliveryCount === 1) throw new Error('database unavailable');
        },
      }),
    );
    await publishDurable(fx.bus.js(), fx.subject, { requestId: 'a', tokens: 1 }, { msgId: 'a' });
    await waitFor('the redelivery', () => deliveries.length === 2);
    expect(deliveries).toEqual([1, 2]);
    await waitFor('the ack', () => fx.running[0]!.stats().acked === 1);
    await fx.bus.nc.flush();
    expect(await fx.pending('worker')).toEqual({ ackPending: 0, pending: 0 });
  });

  it('resumes from where it stopped after a restart of the consumer', async () => {
    await fx.streamWithConsumer('worker');
    const seen: string[] = [];
    const options = {
      schema: Usage,
      handler: async (value: Usage) => {
        seen.push(value.requestId);
      },
    };
    const first = await consume(fx.bus.js(), fx.stream, 'worker', options);
    await publishDurable(fx.bus.js(), fx.subject, { requestId: 'a', tokens: 1 }, { msgId: 'a' });
    await waitFor('first message', () => seen.length === 1);
    await first.stop();
    await publishDurable(fx.bus.js(), fx.subject, { requestId: 'b', tokens: 1 }, { msgId: 'b' });
    fx.running.push(await consume(fx.bus.js(), fx.stream, 'worker', options));
    await waitFor('second message', () => seen.length === 2);
    expect(seen).toEqual(['a', 'b']);
  });
});

describe('consumeBatches', () => {
  it('hands messages over in batches and acks them after the handler resolves', async () => {
    await fx.streamWithConsumer('worker');
    await fx.publishUsage(25);
    const batches: Array<BatchItem<Usage>[]> = [];
    fx.running.push(
      await consumeBatches(fx.bus.js(), fx.stream, 'worker', {
        schema: Usage,
        batchSize: 10,
        maxWaitMs: 1_000,
        handler: async (items) => {
          batches.push(items);
        },
      }),
    );
    await waitFor('25 messages', () => batches.flat().length === 25);
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(batches.flat().map((i) => i.value.requestId)).toEqual(
      Array.from({ length: 25 }, (_, i) => `r${i}`),
    );
    expect(batches[0]![0]!.meta).toMatchObject({ seq: 1, deliveryCount: 1, subject: fx.subject });
    await waitFor('acks', () => fx.running[0]!.stats().acked === 25);
    await fx.bus.nc.flush();
    expect(await fx.pending('worker')).toEqual({ ackPending: 0, pending: 0 });
  });

  it('redelivers the whole batch when the handler fails, and parks malformed ones', async () => {
    await fx.streamWithConsumer('worker');
    await publishDurable(fx.bus.js(), fx.subject, { requestId: 'a', tokens: 1 }, { msgId: 'a' });
    await publishDurable(fx.bus.js(), fx.subject, { nope: true }, { msgId: 'bad' });
    await publishDurable(fx.bus.js(), fx.subject, { requestId: 'b', tokens: 2 }, { msgId: 'b' });
    const attempts: string[][] = [];
    const parked: RawMessage[] = [];
    fx.running.push(
      await consumeBatches(fx.bus.js(), fx.stream, 'worker', {
        schema: Usage,
        batchSize: 10,
        maxWaitMs: 1_000,
        nakDelayMs: 50,
        onMalformed: (raw) => {
          parked.push(raw);
        },
        handler: async (items) => {
          attempts.push(items.map((i) => i.value.requestId));
          if (attempts.length === 1) throw new Error('insert failed');
        },
      }),
    );
    await waitFor('a second attempt', () => attempts.length >= 2 && attempts.flat().length >= 4);
    expect(attempts[0]).toEqual(['a', 'b']);
    expect(attempts.slice(1).flat().sort()).toEqual(['a', 'b']);
    expect(parked.map((p) => p.seq)).toEqual([2]);
    await waitFor('acks', () => fx.running[0]!.stats().acked === 2);
    await fx.bus.nc.flush();
    expect(await fx.pending('worker')).toEqual({ ackPending: 0, pending: 0 });
  });
});
