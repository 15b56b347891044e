import Anthropic from '@anthropic-ai/sdk';
import {
  eventually,
  readUsageStream,
  startGatewayStack,
  type GatewayStack,
  type SeededGroup,
} from './gateway-stack.js';

// Streams and the edges of the relay across real processes: waiting for a busy account with
// keep-alive pings, a stream that breaks after its first bytes, a connection reset before the
// first byte, and model mapping.
const CLAUDE = 'claude-sonnet-4-6';

describe('gateway streams, waits and model mapping', () => {
  let stack: GatewayStack;
  let busy: SeededGroup;
  let broken: SeededGroup;
  let reset: SeededGroup;
  let mapped: SeededGroup;

  beforeAll(async () => {
    const started = await startGatewayStack({
      groups: [
        { platform: 'anthropic', credentials: ['sk-e2e-busy-1'], concurrency: 1 },
        { platform: 'anthropic', credentials: ['sk-e2e-broken-1'] },
        { platform: 'anthropic', credentials: ['sk-e2e-reset-1', 'sk-e2e-reset-2'] },
        {
          platform: 'anthropic',
          credentials: ['sk-e2e-mapped-1'],
          modelMapping: { 'house-model': 'claude-opus-4-7' },
        },
      ],
    });
    stack = started.stack;
    [busy, broken, reset, mapped] = started.seeded as [
      SeededGroup,
      SeededGroup,
      SeededGroup,
      SeededGroup,
    ];
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** A raw streamed Messages call: the SSE text exactly as the client received it. */
  async function rawStream(
    group: SeededGroup,
    content: string,
  ): Promise<{ status: number; text: string }> {
    const res = await fetch(`${stack.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': group.apiKey },
      body: JSON.stringify({
        model: CLAUDE,
        max_tokens: 64,
        stream: true,
        messages: [{ role: 'user', content }],
      }),
    });
    return { status: res.status, text: await res.text() };
  }

  it('waits for a busy account, keeping the stream alive with pings, then streams the answer', async () => {
    // The only account (concurrency 1) is held by a stream that takes ~2.5 s.
    stack.sim.control.setCredential('sk-e2e-busy-1', { interTokenMs: 150, outputTokens: 16 });
    const first = rawStream(busy, 'first');
    await eventually(async () =>
      expect(stack.sim.control.requests({ credential: 'sk-e2e-busy-1' })).toHaveLength(1),
    );
    const second = await rawStream(busy, 'second');
    expect(second.status).toBe(200);
    const ping = second.text.indexOf('event: ping');
    const start = second.text.indexOf('event: message_start');
    expect(ping).toBeGreaterThanOrEqual(0);
    expect(ping).toBeLessThan(start);
    expect(second.text).toContain('event: message_stop');
    expect((await first).text).toContain('event: message_stop');
    // And the official SDK reads such a stream as usual.
    const client = new Anthropic({ apiKey: busy.apiKey, baseURL: stack.url, maxRetries: 0 });
    const held = rawStream(busy, 'third');
    await eventually(async () =>
      expect(stack.sim.control.requests({ credential: 'sk-e2e-busy-1' })).toHaveLength(3),
    );
    const final = await client.messages
      .stream({ model: CLAUDE, max_tokens: 64, messages: [{ role: 'user', content: 'fourth' }] })
      .finalMessage();
    expect(final.usage.output_tokens).toBe(16);
    await held;
  });

  it('ends a stream that breaks after its first bytes with an in-stream error, without retrying', async () => {
    stack.sim.control.setCredential('sk-e2e-broken-1', {
      faults: [{ kind: 'reset_mid_stream', afterTokens: 3, stream: true, times: 1 }],
    });
    const { status, text } = await rawStream(broken, 'break please');
    expect(status).toBe(200);
    expect(text.match(/event: content_block_delta/g)).toHaveLength(3);
    expect(text).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"api_error"/);
    expect(stack.sim.control.requests({ credential: 'sk-e2e-broken-1' })).toHaveLength(1);
  });

  it('fails over when the connection resets before the first byte', async () => {
    stack.sim.control.setCredential('sk-e2e-reset-1', { faults: [{ kind: 'reset_before' }] });
    const client = new Anthropic({ apiKey: reset.apiKey, baseURL: stack.url, maxRetries: 0 });
    for (let i = 0; i < 10; i++) {
      const { response } = await client.messages
        .create({
          model: CLAUDE,
          max_tokens: 8,
          messages: [{ role: 'user', content: `reset ${i}` }],
        })
        .withResponse();
      expect(response.status).toBe(200);
    }
    expect(stack.sim.control.requests({ credential: 'sk-e2e-reset-2' })).toHaveLength(10);
  });

  it('sends the mapped model upstream and records both names', async () => {
    const client = new Anthropic({ apiKey: mapped.apiKey, baseURL: stack.url, maxRetries: 0 });
    const answer = await client.messages.create({
      model: 'house-model',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'which model?' }],
    });
    expect(answer.model).toBe('claude-opus-4-7');
    expect(stack.sim.control.requests({ credential: 'sk-e2e-mapped-1' }).at(-1)?.model).toBe(
      'claude-opus-4-7',
    );
    const records = await eventually(async () => {
      const r = await readUsageStream(stack.bus);
      const found = r.usage.find((u) => u.requestedModel === 'house-model');
      expect(found).toBeDefined();
      return found!;
    });
    expect(records.upstreamModel).toBe('claude-opus-4-7');
  });

  it('refuses a model no account of the group serves with 400, in the client format', async () => {
    const client = new Anthropic({ apiKey: mapped.apiKey, baseURL: stack.url, maxRetries: 0 });
    const failure = await client.messages
      .create({
        model: 'claude-sonnet-4-6',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'x' }],
      })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Anthropic.BadRequestError);
    expect((failure as InstanceType<typeof Anthropic.BadRequestError>).message).toContain(
      'not served',
    );
  });

  it('records the broken stream as a response-phase error and the reset as a failed attempt', async () => {
    const { errors } = await eventually(async () => {
      const r = await readUsageStream(stack.bus);
      expect(r.errors.some((e) => e.phase === 'response')).toBe(true);
      return r;
    });
    expect(errors.filter((e) => e.phase === 'response')).toEqual([
      expect.objectContaining({ statusCode: 200, upstreamStatusCode: 200, errorOwner: 'provider' }),
    ]);
    expect(
      errors.filter((e) => e.phase === 'upstream' && e.upstreamStatusCode === null).length,
    ).toBeGreaterThan(0);
  });
});
