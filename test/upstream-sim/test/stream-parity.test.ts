import { createUpstreamSim } from '@switchyard/upstream-sim';
import type { UpstreamSim } from '@switchyard/upstream-sim';
import { call, payloads, stream } from './sim-client.js';
import { VENDORS, requestFor, vendor } from './vendors.js';

describe('upstream-sim streamed and non-streamed answers', () => {
  let sim: UpstreamSim;

  beforeAll(async () => {
    sim = await createUpstreamSim({ defaults: { outputTokens: 12 } });
  });
  afterAll(() => sim.close());

  it.each(VENDORS.map((v) => [v.name, v] as const))(
    '%s: the SSE stream carries exactly the text and usage of the JSON answer',
    async (_name, v) => {
      sim.control.setCredential('parity-key', { cachedInputFraction: 0.5 });
      const plain = requestFor(v, false);
      const json = await call(`${sim.url}${plain.path}`, plain.body, v.headers('parity-key'));
      expect(json.status).toBe(200);
      const streamed = requestFor(v, true);
      const sse = await stream(
        `${sim.url}${streamed.path}`,
        streamed.body,
        v.headers('parity-key'),
      );
      expect(sse.status).toBe(200);
      expect(sse.headers.get('content-type')).toContain('text/event-stream');
      expect(sse.error).toBeNull();

      const fromJson = v.fromJson(json.body);
      const fromStream = v.fromStream(sse.events);
      expect(fromJson.text.split(' ')).toHaveLength(12);
      expect(fromStream).toEqual(fromJson);
    },
  );

  it.each(VENDORS.map((v) => [v.name, v] as const))(
    '%s: the answer depends on the credential and the prompt, and repeats for the same ones',
    async (_name, v) => {
      const ask = async (credential: string, prompt: string): Promise<string> => {
        const r = requestFor(v, false, prompt);
        return v.fromJson((await call(`${sim.url}${r.path}`, r.body, v.headers(credential))).body)
          .text;
      };
      const first = await ask('det-a', 'one prompt');
      expect(await ask('det-a', 'one prompt')).toBe(first);
      expect(await ask('det-b', 'one prompt')).not.toBe(first);
      expect(await ask('det-a', 'another prompt')).not.toBe(first);
    },
  );

  it('anthropic: usage splits cached input from fresh input', async () => {
    sim.control.setCredential('cache-key', { cachedInputFraction: 0.5 });
    const v = vendor('anthropic messages');
    const r = requestFor(v, false, 'x'.repeat(400));
    const { body } = await call(`${sim.url}${r.path}`, r.body, v.headers('cache-key'));
    const usage = body.usage as Record<string, number>;
    // system (14 chars) + '\n' + 400 chars = 415 chars → 104 tokens, half of them cached.
    expect(usage).toMatchObject({
      input_tokens: 52,
      cache_read_input_tokens: 52,
      cache_creation_input_tokens: 0,
      output_tokens: 12,
    });
  });

  it('anthropic: events come as message_start, content_block_start, ping, deltas, stop, message_delta, message_stop', async () => {
    const v = vendor('anthropic messages');
    const r = requestFor(v, true);
    const { events } = await stream(`${sim.url}${r.path}`, r.body, v.headers('order-key'));
    const names = events.map((e) => e.event);
    expect(names).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      ...Array<string>(12).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    // Every data payload names its own event type, as Anthropic's do.
    expect(payloads(events).map((d) => d.type)).toEqual(names);
    const start = payloads(events)[0]!;
    expect((start.message as Record<string, unknown>).id).toMatch(/^msg_/);
  });

  it('anthropic: max_tokens below the configured length truncates with stop_reason max_tokens', async () => {
    const { body } = await call(
      `${sim.url}/v1/messages`,
      { model: 'claude-sonnet-4-5', max_tokens: 3, messages: [{ role: 'user', content: 'hi' }] },
      { 'x-api-key': 'trunc-key' },
    );
    expect(body.stop_reason).toBe('max_tokens');
    expect((body.usage as Record<string, number>).output_tokens).toBe(3);
  });

  it('anthropic: count_tokens gives the input tokens that messages bills', async () => {
    const request = {
      model: 'claude-sonnet-4-5',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'count these words please' }],
    };
    const counted = await call(`${sim.url}/v1/messages/count_tokens`, request, {
      'x-api-key': 'count-key',
    });
    const answered = await call(`${sim.url}/v1/messages`, request, { 'x-api-key': 'count-key' });
    expect(counted.body).toEqual({
      input_tokens: (answered.body.usage as Record<string, number>).input_tokens,
    });
  });

  it('openai responses: events come in the documented order with increasing sequence numbers', async () => {
    const v = vendor('openai responses');
    const r = requestFor(v, true);
    const { events } = await stream(`${sim.url}${r.path}`, r.body, v.headers('order-key'));
    expect(events.map((e) => e.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...Array<string>(12).fill('response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const data = payloads(events);
    expect(data.map((d) => d.type)).toEqual(events.map((e) => e.event));
    expect(data.map((d) => d.sequence_number)).toEqual(data.map((_d, i) => i));
    const completed = data[data.length - 1]!.response as Record<string, unknown>;
    expect(completed.id).toMatch(/^resp_/);
    expect(completed.status).toBe('completed');
  });

  it('openai chat: the stream ends with data: [DONE], with a usage chunk only when include_usage is asked', async () => {
    const messages = [{ role: 'user', content: 'hello' }];
    const withUsage = await stream(
      `${sim.url}/v1/chat/completions`,
      { model: 'gpt-4o', stream: true, stream_options: { include_usage: true }, messages },
      { authorization: 'Bearer done-key' },
    );
    expect(withUsage.events[withUsage.events.length - 1]!.data).toBe('[DONE]');
    const usageChunks = payloads(withUsage.events).filter(
      (d) => d.usage !== null && d.usage !== undefined,
    );
    expect(usageChunks).toHaveLength(1);
    expect(usageChunks[0]!.choices).toEqual([]);

    const without = await stream(
      `${sim.url}/v1/chat/completions`,
      { model: 'gpt-4o', stream: true, messages },
      { authorization: 'Bearer done-key' },
    );
    expect(without.events[without.events.length - 1]!.data).toBe('[DONE]');
    expect(payloads(without.events).every((d) => !('usage' in d))).toBe(true);
    const last = payloads(without.events).pop()!;
    expect((last.choices as Record<string, unknown>[])[0]!.finish_reason).toBe('stop');
  });

  it('gemini: streamGenerateContent without alt=sse answers one JSON array of the same chunks', async () => {
    const v = vendor('gemini generateContent');
    const r = requestFor(v, true);
    const sse = await stream(`${sim.url}${r.path}`, r.body, v.headers('array-key'));
    const res = await fetch(
      `${sim.url}/v1beta/models/gemini-2.5-pro:streamGenerateContent?key=array-key`,
      {
        method: 'POST',
        body: JSON.stringify(r.body),
      },
    );
    const chunks = (await res.json()) as Record<string, unknown>[];
    const strip = (c: Record<string, unknown>): unknown => ({ ...c, responseId: undefined });
    expect(chunks.map(strip)).toEqual(payloads(sse.events).map(strip));
  });

  it('lists models in each vendor format', async () => {
    const openai = await call(`${sim.url}/v1/models`, undefined, { authorization: 'Bearer m' });
    expect(openai.body.object).toBe('list');
    const anthropic = await call(`${sim.url}/v1/models`, undefined, {
      'x-api-key': 'm',
      'anthropic-version': '2023-06-01',
    });
    expect((anthropic.body.data as Record<string, unknown>[])[0]!.type).toBe('model');
    const gemini = await call(`${sim.url}/v1beta/models?key=m`, undefined);
    expect((gemini.body.models as Record<string, unknown>[])[0]!.name).toMatch(/^models\//);
  });

  it('refuses a request without a credential in the vendor error shape', async () => {
    const res = await call(`${sim.url}/v1/messages`, { model: 'm', max_tokens: 5, messages: [] });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it('refuses an invalid request with a 400 in the vendor error shape', async () => {
    const res = await call(
      `${sim.url}/v1/chat/completions`,
      { model: 'gpt-4o' },
      { authorization: 'Bearer bad-req' },
    );
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { type: 'invalid_request_error', param: 'messages' } });
  });
});
