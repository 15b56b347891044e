import { startNats } from '@switchyard/harness';
import type { NatsServer } from '@switchyard/harness';
import {
  BusNoRespondersError,
  BusRemoteError,
  BusTimeoutError,
  connectBus,
  createSchedulerClient,
  schedulerMetricsSubject,
  schedulerReplicaToken,
  serve,
  subscribe,
} from '@switchyard/bus';
import type { Bus } from '@switchyard/bus';
import {
  MalformedMessageError,
  Subjects,
  metricsRequestSchema,
  reportSchema,
  selectRequestSchema,
} from '@switchyard/contracts';
import type { MetricsSnapshot, Report, SelectRequest, SelectResult } from '@switchyard/contracts';

let server: NatsServer;
let client: Bus;
let responder: Bus;
const stops: (() => void)[] = [];

beforeAll(async () => {
  server = await startNats({ jetstream: false });
  client = await connectBus({ servers: server.url, name: 'sched-client' });
  responder = await connectBus({ servers: server.url, name: 'sched-responder' });
});

afterAll(async () => {
  await client.close();
  await responder.close();
  await server.stop();
});

afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  await responder.nc.flush();
});

function resultFor(req: SelectRequest): SelectResult {
  return {
    account: { id: 7, platform: req.platform, type: 'apikey', concurrency: 3 },
    slot: { acquired: true, token: req.requestId, expiresAt: 1_000 },
    decision: {
      layer: 'load_balance',
      candidateCount: 1,
      topK: 1,
      loadSkew: 0,
      escapeReason: null,
    },
  };
}

/** A select responder that drops the first `ignore` requests without answering. */
function selectResponder(ignore = 0, bus: Bus = responder): SelectRequest[] {
  const seen: SelectRequest[] = [];
  const sub = bus.nc.subscribe(Subjects.schedSelect, {
    queue: 'scheduler',
    callback: (_err, msg) => {
      const req = selectRequestSchema.parse(msg.json());
      seen.push(req);
      if (seen.length > ignore) msg.respond(JSON.stringify({ ok: true, data: resultFor(req) }));
    },
  });
  stops.push(() => sub.unsubscribe());
  return seen;
}

const request = { requestId: 'r-1', groupId: 0, platform: 'anthropic' } as const;

describe('createSchedulerClient', () => {
  it('selects through sched.v1.select and returns the validated result', async () => {
    const seen = selectResponder();
    await responder.nc.flush();
    const scheduler = createSchedulerClient(client.nc);
    const result = await scheduler.select(request);
    expect(result).toEqual(resultFor({ ...request, excludedAccountIds: [] }));
    expect(seen).toEqual([{ ...request, excludedAccountIds: [] }]);
  });

  it('refuses an invalid request before sending anything', async () => {
    const seen = selectResponder();
    await responder.nc.flush();
    const scheduler = createSchedulerClient(client.nc);
    await expect(scheduler.select({ ...request, requestId: '' })).rejects.toBeInstanceOf(
      MalformedMessageError,
    );
    await client.nc.flush();
    expect(seen).toHaveLength(0);
  });

  it('retries once, with the same request id, when the first attempt times out', async () => {
    const seen = selectResponder(1);
    await responder.nc.flush();
    const scheduler = createSchedulerClient(client.nc, { timeoutMs: 400 });
    const result = await scheduler.select(request);
    expect(result.slot?.token).toBe('r-1');
    expect(seen.map((r) => r.requestId)).toEqual(['r-1', 'r-1']);
  });

  it('gives up with BusTimeoutError after the one retry', async () => {
    const seen = selectResponder(Infinity);
    await responder.nc.flush();
    const scheduler = createSchedulerClient(client.nc, { timeoutMs: 200 });
    await expect(scheduler.select(request)).rejects.toBeInstanceOf(BusTimeoutError);
    expect(seen).toHaveLength(2);
  });

  it('retries once after no responders, and reaches a replica that came up meanwhile', async () => {
    const scheduler = createSchedulerClient(client.nc);
    const pending = scheduler.select(request);
    // Same connection: the server sees the subscription after the first request and before
    // the retry, so the first attempt has no responders and the retry is answered.
    const seen = selectResponder(0, client);
    expect((await pending).account.id).toBe(7);
    expect(seen).toHaveLength(1);
  });

  it('fails with BusNoRespondersError when no replica is there', async () => {
    const scheduler = createSchedulerClient(client.nc);
    await expect(scheduler.select(request)).rejects.toBeInstanceOf(BusNoRespondersError);
  });

  it('passes a scheduler refusal through as BusRemoteError without retrying', async () => {
    let calls = 0;
    const handle = serve(responder.nc, Subjects.schedSelect, {
      queue: 'scheduler',
      requestSchema: selectRequestSchema,
      handler: async () => {
        calls += 1;
        throw Object.assign(new Error('no available accounts: empty_bucket'), {
          code: 'no_available_accounts',
          retryable: false,
        });
      },
    });
    stops.push(() => handle.stop());
    await responder.nc.flush();
    const error = await createSchedulerClient(client.nc)
      .select(request)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BusRemoteError);
    expect(error).toMatchObject({ code: 'no_available_accounts', retryable: false });
    expect(calls).toBe(1);
  });

  it('publishes validated reports to sched.v1.report', async () => {
    const received: Report[] = [];
    const sub = subscribe(responder.nc, Subjects.schedReport, {
      schema: reportSchema,
      handler: (r) => void received.push(r),
    });
    stops.push(() => sub.stop());
    await responder.nc.flush();
    const scheduler = createSchedulerClient(client.nc);
    scheduler.report({ accountId: 3, success: true, firstTokenMs: 120 });
    expect(() => scheduler.report({ accountId: 0, success: true })).toThrow(MalformedMessageError);
    await client.nc.flush();
    await responder.nc.flush();
    expect(received).toEqual([{ accountId: 3, success: true, firstTokenMs: 120 }]);
  });

  it('asks the shared metrics subject, or one replica’s own', async () => {
    const snapshot = (replicaId: string): MetricsSnapshot => ({
      replicaId,
      selectTotal: 0,
      previousResponseHits: 0,
      sessionHits: 0,
      loadBalanceSelects: 0,
      switches: 0,
      escapes: 0,
      decisionLatencyAvgUs: 0,
      decisionLatencyP99Us: 0,
      stickyHitRatio: 0,
      switchRate: 0,
      loadSkewAvg: 0,
      accountsWithStats: 0,
    });
    const shared = serve(responder.nc, Subjects.schedMetrics, {
      queue: 'scheduler',
      requestSchema: metricsRequestSchema,
      handler: async () => snapshot('shared'),
    });
    const own = serve(responder.nc, schedulerMetricsSubject('host.example.com'), {
      requestSchema: metricsRequestSchema,
      handler: async () => snapshot('host.example.com'),
    });
    stops.push(
      () => shared.stop(),
      () => own.stop(),
    );
    await responder.nc.flush();
    const scheduler = createSchedulerClient(client.nc);
    expect((await scheduler.metrics()).replicaId).toBe('shared');
    expect((await scheduler.metrics('host.example.com')).replicaId).toBe('host.example.com');
  });
});

describe('schedulerReplicaToken', () => {
  it('makes any replica id one subject token', () => {
    expect(schedulerReplicaToken('pod-1.ns.svc')).toBe('pod-1_ns_svc');
    expect(schedulerReplicaToken('a b*>')).toBe('a_b__');
    expect(schedulerMetricsSubject('x.y')).toBe('sched.v1.metrics.x_y');
  });
});
