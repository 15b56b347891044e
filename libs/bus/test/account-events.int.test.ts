import { startNats } from '@switchyard/harness';
import type { NatsServer } from '@switchyard/harness';
import {
  AccountEventPublisher,
  accountEventFallback,
  BusMalformedMessageError,
  BusPublishError,
  connectBus,
  ensureAccountEventsStream,
  LastUsedBatcher,
} from '@switchyard/bus';
import type { AccountEventInput, Bus, BusLogger } from '@switchyard/bus';
import {
  accountEventSchema,
  AccountEventType,
  Streams,
  type AccountEvent,
  type AccountStateEvent,
  type LastUsedEvent,
} from '@switchyard/contracts';
import type { JetStreamManager } from '@nats-io/jetstream';

const STREAM = Streams.accountEvents.name;

let server: NatsServer;
let bus: Bus;
let jsm: JetStreamManager;

beforeAll(async () => {
  server = await startNats();
  bus = await connectBus({ servers: server.url, name: 'account-events-test' });
  jsm = await bus.jsm();
  await ensureAccountEventsStream(jsm);
});

afterAll(async () => {
  await bus.close();
  await server.stop();
});

beforeEach(async () => {
  await jsm.streams.purge(STREAM);
});

/** Every event stored in ACCOUNT_EVENTS, in stream order, with its subject. */
async function storedEvents(): Promise<{ subject: string; event: AccountEvent }[]> {
  const info = await jsm.streams.info(STREAM);
  const out: { subject: string; event: AccountEvent }[] = [];
  for (
    let seq = info.state.first_seq;
    seq <= info.state.last_seq && info.state.messages > 0;
    seq++
  ) {
    const msg = await jsm.streams.getMessage(STREAM, { seq });
    if (msg === null) continue;
    out.push({ subject: msg.subject, event: accountEventSchema.parse(msg.json()) });
  }
  return out;
}

function recordingLogger(): BusLogger & { warnings: string[] } {
  const warnings: string[] = [];
  const ignore = () => undefined;
  return {
    warnings,
    debug: ignore,
    info: ignore,
    warn: (m) => void warnings.push(m),
    error: ignore,
  };
}

const stateInput: AccountEventInput = {
  type: AccountEventType.AccountState,
  accountId: 7,
  rateLimitResetAt: 1_700_000_060_000,
  observedAt: 1_700_000_000_000,
};

describe('ensureAccountEventsStream', () => {
  it('leaves an existing stream with the same settings alone', async () => {
    await expect(ensureAccountEventsStream(jsm)).resolves.toBe('unchanged');
    const info = await jsm.streams.info(STREAM);
    expect(info.config.subjects).toEqual(['acct.v1.events.>']);
  });
});

describe('AccountEventPublisher', () => {
  it('stores the event on acct.v1.events.<type> and fills in its id and time', async () => {
    const publisher = new AccountEventPublisher(bus.js(), { now: () => 1_700_000_000_500 });
    const outcome = await publisher.publish(stateInput);
    expect(outcome.via).toBe('stream');
    expect(outcome.event.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(outcome.event.occurredAt).toBe(1_700_000_000_500);
    expect(await storedEvents()).toEqual([
      { subject: 'acct.v1.events.account_state', event: outcome.event },
    ]);
  });

  it('stores an event published twice with the same id once', async () => {
    const publisher = new AccountEventPublisher(bus.js());
    const first = await publisher.publish({ ...stateInput, eventId: 'state-7-a' });
    const second = await publisher.publish({ ...stateInput, eventId: 'state-7-a' });
    expect(first).toMatchObject({ via: 'stream', duplicate: false });
    expect(second).toMatchObject({ via: 'stream', duplicate: true });
    expect(await storedEvents()).toHaveLength(1);
  });

  it('refuses an invalid event without publishing it', async () => {
    const publisher = new AccountEventPublisher(bus.js());
    const invalid = { type: AccountEventType.AccountBulkChanged, accountIds: [] };
    await expect(publisher.publish(invalid)).rejects.toBeInstanceOf(BusMalformedMessageError);
    expect(await storedEvents()).toHaveLength(0);
  });

  describe('when NATS is down', () => {
    let down: NatsServer;
    let downBus: Bus;

    beforeAll(async () => {
      down = await startNats();
      downBus = await connectBus({ servers: down.url, name: 'down', reconnectTimeWaitMs: 50 });
      await ensureAccountEventsStream(await downBus.jsm());
      await down.stop();
    });

    afterAll(async () => {
      await downBus.close();
    });

    it('hands the event to the fallback after its retries', async () => {
      const fallen: AccountEvent[] = [];
      const publisher = new AccountEventPublisher(downBus.js(), {
        timeoutMs: 100,
        retries: 1,
        fallback: async (event) => void fallen.push(event),
      });
      const outcome = await publisher.publish(stateInput);
      expect(outcome.via).toBe('fallback');
      expect(fallen).toEqual([outcome.event]);
    });

    it('fails with BusPublishError when there is no fallback or it fails too', async () => {
      const bare = new AccountEventPublisher(downBus.js(), { timeoutMs: 100, retries: 0 });
      await expect(bare.publish(stateInput)).rejects.toBeInstanceOf(BusPublishError);
      const failing = new AccountEventPublisher(downBus.js(), {
        timeoutMs: 100,
        retries: 0,
        fallback: async () => {
          throw new Error('postgres down too');
        },
      });
      const error: unknown = await failing.publish(stateInput).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BusPublishError);
      expect((error as BusPublishError).cause).toBeInstanceOf(AggregateError);
    });
  });
});

describe('accountEventFallback', () => {
  const base = { eventId: 'e-1', occurredAt: 1_700_000_000_000 };

  it('writes an account_state event through persistState', async () => {
    const persisted: AccountStateEvent[] = [];
    const fallback = accountEventFallback({ persistState: async (e) => void persisted.push(e) });
    const event: AccountStateEvent = {
      ...base,
      type: AccountEventType.AccountState,
      accountId: 3,
      overloadUntil: 1_700_000_010_000,
      observedAt: 1_700_000_000_000,
    };
    await fallback(event, new BusPublishError('acct.v1.events.account_state', 1));
    expect(persisted).toEqual([event]);
  });

  it('writes last-used marks when it can, and leaves admin changes to the next rebuild', async () => {
    const logger = recordingLogger();
    const lastUsed: LastUsedEvent[] = [];
    const persisted: unknown[] = [];
    const fallback = accountEventFallback({
      persistState: async (e) => void persisted.push(e),
      persistLastUsed: async (e) => void lastUsed.push(e),
      logger,
    });
    const error = new BusPublishError('acct.v1.events.x', 1);
    const used: LastUsedEvent = {
      ...base,
      type: AccountEventType.LastUsed,
      entries: [{ accountId: 1, at: 5 }],
    };
    await fallback(used, error);
    await fallback({ ...base, type: AccountEventType.GroupChanged, groupId: 4 }, error);
    expect(lastUsed).toEqual([used]);
    expect(persisted).toEqual([]);
    expect(logger.warnings).toEqual(['account event left to the next full rebuild']);
  });
});

describe('LastUsedBatcher', () => {
  it('folds many touches into one event holding the latest time per account', async () => {
    const batcher = new LastUsedBatcher(new AccountEventPublisher(bus.js()), {
      intervalMs: 60_000,
    });
    batcher.touch(1, 100);
    batcher.touch(2, 150);
    batcher.touch(1, 300);
    batcher.touch(1, 200);
    expect(batcher.pendingCount).toBe(2);
    await batcher.flush();
    const stored = await storedEvents();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.subject).toBe('acct.v1.events.last_used');
    expect(stored[0]?.event).toMatchObject({
      type: 'last_used',
      entries: [
        { accountId: 1, at: 300 },
        { accountId: 2, at: 150 },
      ],
    });
    expect(batcher.pendingCount).toBe(0);
  });

  it('publishes by itself after the interval', async () => {
    const batcher = new LastUsedBatcher(new AccountEventPublisher(bus.js()), { intervalMs: 20 });
    batcher.touch(9, 1);
    for (let i = 0; i < 200 && (await storedEvents()).length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await storedEvents()).map((s) => s.event.type)).toEqual(['last_used']);
    await batcher.close();
  });

  it('splits a large batch and flushes what is left on close', async () => {
    const batcher = new LastUsedBatcher(new AccountEventPublisher(bus.js()), {
      intervalMs: 60_000,
      maxEntries: 10,
    });
    for (let id = 1; id <= 25; id++) batcher.touch(id, id);
    await batcher.close();
    const sizes = (await storedEvents()).map((s) =>
      s.event.type === 'last_used' ? s.event.entries.length : 0,
    );
    expect(sizes).toEqual([10, 10, 5]);
  });

  it('keeps touches whose publish failed for the next flush', async () => {
    const down = await startNats();
    const downBus = await connectBus({ servers: down.url, name: 'down-batcher' });
    await ensureAccountEventsStream(await downBus.jsm());
    await down.stop();
    try {
      const publisher = new AccountEventPublisher(downBus.js(), { timeoutMs: 50, retries: 0 });
      const batcher = new LastUsedBatcher(publisher, { intervalMs: 60_000 });
      batcher.touch(4, 10);
      await batcher.flush();
      expect(batcher.pendingCount).toBe(1);
    } finally {
      await downBus.close();
    }
  });
});
