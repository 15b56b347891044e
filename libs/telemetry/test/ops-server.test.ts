import { IncomingMessage, ServerResponse } from 'node:http';
import type { OpsServer } from '@switchyard/telemetry';
import {
  Counter,
  createLogger,
  createMetricsRegistry,
  startOpsServer,
} from '@switchyard/telemetry';

const silent = createLogger({
  service: 'test',
  level: 'error',
  destination: { write: () => true },
});

describe('startOpsServer', () => {
  const servers: OpsServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function start(options: Partial<Parameters<typeof startOpsServer>[0]> = {}) {
    const registry = createMetricsRegistry({ service: 'scheduler', instance: 'sched-1' });
    const server = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      logger: silent,
      registry,
      ...options,
    });
    servers.push(server);
    return server;
  }

  it('builds requests and responses from the classes it is given', async () => {
    class TaggedRequest extends IncomingMessage {
      readonly tag = 'request';
    }
    class TaggedResponse extends ServerResponse {
      readonly tag = 'response';
    }
    const { url } = await start({
      requestClasses: { IncomingMessage: TaggedRequest, ServerResponse: TaggedResponse },
      handler: (req, res) => {
        const tags = [(req as TaggedRequest).tag, (res as TaggedResponse).tag];
        res.end(JSON.stringify(tags));
      },
    });
    expect(await (await fetch(`${url}/v1/anything`)).json()).toEqual(['request', 'response']);
  });

  it('answers /healthz with 200 ok while the process runs', async () => {
    const { url, port } = await start();
    expect(port).toBeGreaterThan(0);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 when every check passes', async () => {
    const { url } = await start({
      checks: { nats: async () => {}, redis: async () => {} },
    });
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { nats: 'ok', redis: 'ok' } });
  });

  it('answers /readyz with 503 naming the failing check and why', async () => {
    const { url } = await start({
      checks: {
        nats: async () => {},
        redis: async () => {
          throw new Error('ECONNREFUSED 127.0.0.1:6379');
        },
      },
    });
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'not_ready',
      checks: { nats: 'ok', redis: 'ECONNREFUSED 127.0.0.1:6379' },
    });
  });

  it('fails a check that hangs once its timeout passes', async () => {
    const { url } = await start({
      checkTimeoutMs: 50,
      checks: {
        postgres: () => new Promise<void>(() => {}),
        nats: async () => {},
      },
    });
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'not_ready',
      checks: { postgres: 'timed out after 50 ms', nats: 'ok' },
    });
  });

  it('reports not ready once draining, without running the checks', async () => {
    let ran = 0;
    const server = await start({ checks: { nats: async () => void ran++ } });
    server.drain();
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'draining' });
    expect(ran).toBe(0);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('exposes registered metrics with service and instance labels on /metrics', async () => {
    const registry = createMetricsRegistry({ service: 'scheduler', instance: 'sched-1' });
    const selects = new Counter({
      name: 'sched_selects_total',
      help: 'Selections answered.',
      labelNames: ['outcome'],
      registers: [registry],
    });
    selects.inc({ outcome: 'acquired' }, 3);
    const { url } = await start({ registry });
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('# TYPE sched_selects_total counter');
    expect(text).toContain(
      'sched_selects_total{outcome="acquired",service="scheduler",instance="sched-1"} 3',
    );
    // Default process metrics come with the registry.
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('passes other requests to the given handler', async () => {
    const { url } = await start({
      handler: (req, res) => {
        res.writeHead(201, { 'content-type': 'text/plain' });
        res.end(`handled ${req.method} ${req.url}`);
      },
    });
    const res = await fetch(`${url}/v1/messages?beta=true`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(201);
    expect(await res.text()).toBe('handled POST /v1/messages?beta=true');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('answers 404 JSON for other requests when there is no handler', async () => {
    const { url } = await start();
    const res = await fetch(`${url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not_found', message: 'no route for GET /nope' });
  });

  it('answers 500 when the handler throws', async () => {
    const { url } = await start({
      handler: () => {
        throw new Error('boom');
      },
    });
    const res = await fetch(`${url}/x`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'internal', message: 'internal error' });
  });

  it('refuses to start on a port already in use', async () => {
    const first = await start();
    await expect(start({ port: first.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
