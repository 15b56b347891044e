import { createUpstreamSim, parseCliArgs, SimConfigError } from '@switchyard/upstream-sim';
import type { UpstreamSim } from '@switchyard/upstream-sim';
import { call, stream } from './sim-client.js';

const message = {
  model: 'claude-sonnet-4-5',
  max_tokens: 100,
  messages: [{ role: 'user', content: 'hi' }],
};

async function control(sim: UpstreamSim, method: string, path: string, body?: unknown) {
  const res = await fetch(`${sim.url}/_sim${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('upstream-sim /_sim control API', () => {
  let sim: UpstreamSim;

  beforeAll(async () => {
    sim = await createUpstreamSim({ defaults: { outputTokens: 4 } });
  });
  beforeEach(() => sim.control.reset());
  afterAll(() => sim.close());

  it('PUT sets a credential behaviour that the next calls follow, DELETE restores the default', async () => {
    const put = await control(sim, 'PUT', '/credentials/key%2Fone', {
      outputTokens: 9,
      faults: [{ status: 500, once: true }],
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      credential: 'key/one',
      behaviour: { outputTokens: 9, ttftMs: 0 },
    });
    const headers = { 'x-api-key': 'key/one' };
    expect((await call(`${sim.url}/v1/messages`, message, headers)).status).toBe(500);
    const ok = await call(`${sim.url}/v1/messages`, message, headers);
    expect((ok.body.usage as Record<string, number>).output_tokens).toBe(9);
    const view = await control(sim, 'GET', '/credentials/key%2Fone');
    expect(view.body).toMatchObject({ configured: true, faults: [{ remaining: 0 }] });

    expect((await control(sim, 'DELETE', '/credentials/key%2Fone')).status).toBe(200);
    const back = await call(`${sim.url}/v1/messages`, message, headers);
    expect((back.body.usage as Record<string, number>).output_tokens).toBe(4);
  });

  it('refuses a malformed behaviour with a 400 naming the field', async () => {
    const res = await control(sim, 'PUT', '/credentials/k', { faults: [{ status: 200 }] });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('faults[0].status');
    expect((await control(sim, 'PUT', '/credentials/k', { ttftMS: 5 })).status).toBe(400);
    expect(() => sim.control.setCredential('k', { outputTokens: -1 })).toThrow(SimConfigError);
  });

  it('PUT /_sim/defaults changes unknown credentials; POST /_sim/reset forgets everything', async () => {
    await control(sim, 'PUT', '/defaults', { outputTokens: 2 });
    await control(sim, 'PUT', '/credentials/kept', { outputTokens: 7 });
    const usageOf = async (key: string) =>
      (
        (await call(`${sim.url}/v1/messages`, message, { 'x-api-key': key })).body.usage as Record<
          string,
          number
        >
      ).output_tokens;
    expect(await usageOf('anyone')).toBe(2);
    expect(await usageOf('kept')).toBe(7);
    expect((await control(sim, 'POST', '/reset')).status).toBe(200);
    expect(await usageOf('anyone')).toBe(4);
    expect(await usageOf('kept')).toBe(4);
    expect((await control(sim, 'GET', '/requests')).body.requests).toHaveLength(2);
  });

  it('logs each request with its credential, model, stream flag, headers without secrets, body and status', async () => {
    await call(`${sim.url}/v1/messages`, message, {
      'x-api-key': 'logged',
      'anthropic-version': '2023-06-01',
    });
    await stream(
      `${sim.url}/v1/messages`,
      { ...message, stream: true },
      { authorization: 'Bearer logged' },
    );
    await call(
      `${sim.url}/v1/chat/completions`,
      { model: 'gpt-4o', messages: [] },
      { authorization: 'Bearer other' },
    );
    const res = await control(sim, 'GET', '/requests?credential=logged');
    const entries = res.body.requests as Record<string, unknown>[];
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      method: 'POST',
      path: '/v1/messages',
      endpoint: 'anthropic.messages',
      platform: 'anthropic',
      credential: 'logged',
      model: 'claude-sonnet-4-5',
      stream: false,
      status: 200,
      outcome: 'completed',
      body: message,
      headers: { 'anthropic-version': '2023-06-01' },
    });
    expect(entries[0]!.headers).not.toHaveProperty('x-api-key');
    expect(entries[1]).toMatchObject({ stream: true, status: 200 });
    expect(entries[1]!.headers).not.toHaveProperty('anthropic-version');
    expect(entries[1]!.headers).not.toHaveProperty('authorization');

    expect((await control(sim, 'DELETE', '/requests')).status).toBe(200);
    expect(sim.control.requests()).toEqual([]);
  });

  it('filters the log by sequence and keeps only the newest entries past its capacity', async () => {
    const small = await createUpstreamSim({ logCapacity: 3 });
    try {
      for (let i = 0; i < 5; i += 1) {
        await call(
          `${small.url}/v1/messages`,
          { ...message, model: `m-${i}` },
          { 'x-api-key': 'k' },
        );
      }
      const all = small.control.requests();
      expect(all.map((e) => e.model)).toEqual(['m-2', 'm-3', 'm-4']);
      expect(small.control.requests({ since: all[1]!.seq }).map((e) => e.model)).toEqual(['m-4']);
      expect(small.control.requests({ limit: 1 }).map((e) => e.model)).toEqual(['m-4']);
    } finally {
      await small.close();
    }
  });

  it('answers the /readyz and /healthz probes', async () => {
    expect((await fetch(`${sim.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${sim.url}/healthz`)).status).toBe(200);
  });

  it('answers 404 for an unknown route', async () => {
    expect((await fetch(`${sim.url}/v2/unknown`, { method: 'POST' })).status).toBe(404);
    expect((await control(sim, 'GET', '/nope')).status).toBe(404);
  });
});

describe('parseCliArgs', () => {
  it('reads --port, --host and default timing flags in both spellings', () => {
    expect(
      parseCliArgs(['--port', '18090', '--host=0.0.0.0', '--ttft-ms', '50', '--output-tokens=20']),
    ).toEqual({
      port: 18090,
      host: '0.0.0.0',
      defaults: { ttftMs: 50, outputTokens: 20 },
    });
  });

  it('refuses an unknown flag or a bad number', () => {
    expect(() => parseCliArgs(['--prot', '1'])).toThrow(SimConfigError);
    expect(() => parseCliArgs(['--port', 'abc'])).toThrow(SimConfigError);
  });
});
