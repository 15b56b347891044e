import { createUpstreamSim } from '@switchyard/upstream-sim';
import type { UpstreamSim } from '@switchyard/upstream-sim';
import { call, payloads, rawPost, stream } from './sim-client.js';
import { requestFor, vendor } from './vendors.js';

const NOW_MS = 1_800_000_000_000;
const NOW_S = NOW_MS / 1000;

describe('upstream-sim fault injection', () => {
  let sim: UpstreamSim;

  beforeAll(async () => {
    sim = await createUpstreamSim({ clock: () => NOW_MS, defaults: { outputTokens: 8 } });
  });
  beforeEach(() => sim.control.reset());
  afterAll(() => sim.close());

  const ask = async (name: string, credential: string, streamed = false) => {
    const v = vendor(name);
    const r = requestFor(v, streamed);
    return call(`${sim.url}${r.path}`, r.body, v.headers(credential));
  };

  it('anthropic: a 429 carries retry-after and the unified reset headers, rejected', async () => {
    sim.control.setCredential('ak', {
      faults: [{ status: 429, resetAfterSeconds: 120, once: true }],
    });
    const res = await ask('anthropic messages', 'ak');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('120');
    expect(res.headers.get('anthropic-ratelimit-unified-status')).toBe('rejected');
    expect(res.headers.get('anthropic-ratelimit-unified-reset')).toBe(String(NOW_S + 120));
    expect(res.headers.get('anthropic-ratelimit-unified-5h-reset')).toBe(String(NOW_S + 120));
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    expect(res.body).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
  });

  it('openai: a 429 carries retry-after, x-ratelimit reset durations and the codex usage headers', async () => {
    sim.control.setCredential('ok', { faults: [{ status: 429, resetAfterSeconds: 360 }] });
    const res = await ask('openai chat completions', 'ok');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('360');
    expect(res.headers.get('x-ratelimit-reset-requests')).toBe('6m0s');
    expect(res.headers.get('x-ratelimit-reset-tokens')).toBe('6m0s');
    expect(res.headers.get('x-codex-primary-used-percent')).toBe('100');
    expect(res.headers.get('x-codex-primary-reset-after-seconds')).toBe('360');
    expect(res.headers.get('x-codex-primary-window-minutes')).toBe('300');
    expect(res.headers.get('x-codex-secondary-window-minutes')).toBe('10080');
    expect(Number(res.headers.get('x-codex-secondary-reset-after-seconds'))).toBeGreaterThanOrEqual(
      360,
    );
    expect(res.headers.get('x-codex-secondary-used-percent')).not.toBeNull();
    expect(res.body).toEqual({
      error: {
        message: expect.any(String),
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      },
    });
  });

  it('codex backend: a 429 answers usage_limit_reached with resets_in_seconds', async () => {
    sim.control.setCredential('ck', { faults: [{ status: 429, resetAfterSeconds: 900 }] });
    const res = await call(
      `${sim.url}/backend-api/codex/responses`,
      { model: 'gpt-5-codex', input: 'hi' },
      { authorization: 'Bearer ck' },
    );
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({
      error: { type: 'usage_limit_reached', resets_in_seconds: 900 },
    });
    expect(res.headers.get('x-codex-primary-reset-after-seconds')).toBe('900');
  });

  it('gemini: a 429 is RESOURCE_EXHAUSTED with retry-after and a RetryInfo detail', async () => {
    sim.control.setCredential('gk', { faults: [{ status: 429, resetAfterSeconds: 30 }] });
    const res = await ask('gemini generateContent', 'gk');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(res.body).toEqual({
      error: {
        code: 429,
        message: expect.any(String),
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '30s' }],
      },
    });
  });

  it('a 429 without resetAfterSeconds still names a reset (60 s)', async () => {
    sim.control.setCredential('dk', { faults: [{ status: 429 }] });
    const res = await ask('anthropic messages', 'dk');
    expect(res.headers.get('retry-after')).toBe('60');
    expect(res.headers.get('anthropic-ratelimit-unified-reset')).toBe(String(NOW_S + 60));
  });

  it('times: 2 fails twice, then answers', async () => {
    sim.control.setCredential('twice', { faults: [{ status: 503, times: 2 }] });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await ask('openai responses', 'twice')).status);
    expect(statuses).toEqual([503, 503, 200, 200]);
    expect(sim.control.getCredential('twice').faults[0]!.remaining).toBe(0);
  });

  it('probability 0 never fires and probability 1 always does', async () => {
    sim.control.setCredential('never', { faults: [{ status: 500, probability: 0 }] });
    sim.control.setCredential('always', { faults: [{ status: 500, probability: 1 }] });
    for (let i = 0; i < 10; i += 1) {
      expect((await ask('anthropic messages', 'never')).status).toBe(200);
      expect((await ask('anthropic messages', 'always')).status).toBe(500);
    }
  });

  it('529 answers the Anthropic overloaded_error body', async () => {
    sim.control.setCredential('busy', { faults: [{ status: 529, once: true }] });
    const res = await ask('anthropic messages', 'busy');
    expect(res.status).toBe(529);
    expect(res.body).toMatchObject({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
    expect((await ask('anthropic messages', 'busy')).status).toBe(200);
  });

  it('maps fault statuses to each vendor error type', async () => {
    sim.control.setCredential('denied', { faults: [{ status: 403 }] });
    expect((await ask('anthropic messages', 'denied')).body).toMatchObject({
      error: { type: 'permission_error' },
    });
    expect((await ask('gemini generateContent', 'denied')).body).toMatchObject({
      error: { status: 'PERMISSION_DENIED', code: 403 },
    });
    sim.control.setCredential('down', { faults: [{ status: 503 }] });
    expect((await ask('gemini generateContent', 'down')).body).toMatchObject({
      error: { status: 'UNAVAILABLE' },
    });
    expect((await ask('openai chat completions', 'down')).body).toMatchObject({
      error: { type: 'server_error' },
    });
  });

  it('a fault body and headers replace and extend the vendor ones', async () => {
    sim.control.setCredential('custom', {
      faults: [{ status: 500, body: { oops: true }, headers: { 'x-extra': 'yes' } }],
    });
    const res = await ask('anthropic messages', 'custom');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ oops: true });
    expect(res.headers.get('x-extra')).toBe('yes');
  });

  it('a fault scoped by path, model or stream leaves other requests alone', async () => {
    sim.control.setCredential('scoped', {
      faults: [
        { status: 500, path: '/v1/chat/completions' },
        { status: 502, model: 'claude-opus-4-1' },
        { status: 503, path: '/v1beta/models/*', stream: true },
      ],
    });
    expect((await ask('openai chat completions', 'scoped')).status).toBe(500);
    expect((await ask('openai responses', 'scoped')).status).toBe(200);
    const opus = await call(
      `${sim.url}/v1/messages`,
      { model: 'claude-opus-4-1', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
      { 'x-api-key': 'scoped' },
    );
    expect(opus.status).toBe(502);
    expect((await ask('anthropic messages', 'scoped')).status).toBe(200);
    expect((await ask('gemini generateContent', 'scoped')).status).toBe(200);
    const v = vendor('gemini generateContent');
    const r = requestFor(v, true);
    expect((await stream(`${sim.url}${r.path}`, r.body, v.headers('scoped'))).status).toBe(503);
  });

  it('reset_before drops the connection before any response byte', async () => {
    sim.control.setCredential('cut', { faults: [{ kind: 'reset_before', once: true }] });
    const v = vendor('anthropic messages');
    const r = requestFor(v, false);
    const res = await rawPost(`${sim.url}${r.path}`, r.body, v.headers('cut'));
    expect(res.status).toBeNull();
    expect(res.error?.code).toBe('ECONNRESET');
    await expect(fetch(`${sim.url}/_sim/health`)).resolves.toHaveProperty('status', 200);
    expect(sim.control.requests({ credential: 'cut' })[0]).toMatchObject({
      status: 0,
      outcome: 'reset',
      fault: 'reset_before',
    });
    expect((await ask('anthropic messages', 'cut')).status).toBe(200);
  });

  it.each([
    ['anthropic messages', 'content_block_delta'],
    ['openai responses', 'response.output_text.delta'],
  ])('%s: reset_mid_stream sends N deltas, then cuts the stream', async (name, deltaEvent) => {
    sim.control.setCredential('mid', { faults: [{ kind: 'reset_mid_stream', afterTokens: 3 }] });
    const v = vendor(name);
    const r = requestFor(v, true);
    const res = await stream(`${sim.url}${r.path}`, r.body, v.headers('mid'));
    expect(res.status).toBe(200);
    expect(res.error).not.toBeNull();
    expect(res.events.filter((e) => e.event === deltaEvent)).toHaveLength(3);
    expect(res.events.map((e) => e.event)).not.toContain(
      name.startsWith('anthropic') ? 'message_stop' : 'response.completed',
    );
  });

  it('openai chat: reset_mid_stream cuts before [DONE]', async () => {
    sim.control.setCredential('mid', {
      faults: [{ kind: 'reset_mid_stream', afterTokens: 2, once: true }],
    });
    const v = vendor('openai chat completions');
    const r = requestFor(v, true);
    const res = await stream(`${sim.url}${r.path}`, r.body, v.headers('mid'));
    expect(res.error).not.toBeNull();
    const content = payloads(res.events).filter(
      (d) =>
        typeof (d.choices as Record<string, Record<string, unknown>>[])[0]?.delta?.content ===
          'string' &&
        ((d.choices as Record<string, Record<string, unknown>>[])[0]!.delta!.content as string) !==
          '',
    );
    expect(content).toHaveLength(2);
    expect(res.events.map((e) => e.data)).not.toContain('[DONE]');
  });

  it('reset_mid_stream on a non-streamed request cuts the JSON body short', async () => {
    sim.control.setCredential('mid-json', {
      faults: [{ kind: 'reset_mid_stream', afterTokens: 0, once: true }],
    });
    const v = vendor('gemini generateContent');
    const r = requestFor(v, false);
    const res = await rawPost(`${sim.url}${r.path}`, r.body, v.headers('mid-json'));
    expect(res.status).toBe(200);
    expect(res.error).not.toBeNull();
  });

  it('rejectAuth answers each vendor authentication error', async () => {
    sim.control.setCredential('revoked', { rejectAuth: true });
    expect((await ask('anthropic messages', 'revoked')).body).toMatchObject({
      error: { type: 'authentication_error' },
    });
    expect((await ask('openai chat completions', 'revoked')).body).toMatchObject({
      error: { code: 'invalid_api_key' },
    });
    const gemini = await ask('gemini generateContent', 'revoked');
    expect(gemini.status).toBe(401);
    expect(gemini.body).toMatchObject({ error: { status: 'UNAUTHENTICATED' } });
  });

  it('default faults apply to unknown credentials, counted per credential', async () => {
    sim.control.setDefaults({ faults: [{ status: 500, once: true }] });
    expect((await ask('anthropic messages', 'stranger-1')).status).toBe(500);
    expect((await ask('anthropic messages', 'stranger-1')).status).toBe(200);
    expect((await ask('anthropic messages', 'stranger-2')).status).toBe(500);
  });
});

describe('upstream-sim timing', () => {
  let sim: UpstreamSim;

  beforeAll(async () => {
    sim = await createUpstreamSim();
  });
  afterAll(() => sim.close());

  it('sends no byte before ttftMs, streamed or not', async () => {
    sim.control.setCredential('slow', { ttftMs: 120, outputTokens: 3 });
    const v = vendor('anthropic messages');
    for (const streamed of [true, false]) {
      const r = requestFor(v, streamed);
      const started = performance.now();
      const res = await fetch(`${sim.url}${r.path}`, {
        method: 'POST',
        headers: v.headers('slow'),
        body: JSON.stringify(r.body),
      });
      expect(performance.now() - started).toBeGreaterThanOrEqual(120);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
  });

  it('spaces streamed deltas by interTokenMs', async () => {
    sim.control.setCredential('drip', { interTokenMs: 40, outputTokens: 4 });
    const v = vendor('openai chat completions');
    const r = requestFor(v, true);
    const started = performance.now();
    const res = await stream(`${sim.url}${r.path}`, r.body, v.headers('drip'));
    expect(res.error).toBeNull();
    expect(performance.now() - started).toBeGreaterThanOrEqual(3 * 40);
  });
});
