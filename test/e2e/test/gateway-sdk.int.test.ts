import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import {
  eventually,
  readUsageStream,
  startGatewayStack,
  type GatewayStack,
  type SeededGroup,
} from './gateway-stack.js';

// Every client endpoint through the official SDKs, against real processes (snapshot-builder,
// scheduler, gateway) and the upstream simulator: each answer and its usage must be exactly
// what the simulator gives the same credential directly, streamed or not.
const CLAUDE = 'claude-sonnet-4-6';
const GPT = 'gpt-5';
const GEMINI = 'gemini-2.5-flash';
const PROMPT = 'Write a haiku about relays.';

// @google/genai routes Node's fetch through undici's global dispatcher, which jest's sandboxed
// globalThis does not carry; plain fetch without that dispatcher is the same request.
const plainFetch = ((url: string | URL | Request, init?: RequestInit) =>
  fetch(url, { ...init, dispatcher: undefined } as RequestInit)) as typeof fetch;

function genai(apiKey: string, baseUrl: string, apiVersion?: string): GoogleGenAI {
  return new GoogleGenAI({
    apiKey,
    httpOptions: { baseUrl, fetch: plainFetch, ...(apiVersion ? { apiVersion } : {}) },
  });
}

describe('gateway client endpoints with the official SDKs', () => {
  let stack: GatewayStack;
  let groups: SeededGroup[];
  let sim: {
    anthropic: Anthropic;
    openai: OpenAI;
    gemini: GoogleGenAI;
    antigravity: Anthropic;
    antigravityGemini: GoogleGenAI;
  };
  let gw: {
    anthropic: Anthropic;
    openai: OpenAI;
    gemini: GoogleGenAI;
    antigravity: Anthropic;
    antigravityGemini: GoogleGenAI;
  };

  beforeAll(async () => {
    const started = await startGatewayStack({
      groups: [
        { platform: 'anthropic', credentials: ['sdk-anthropic-1'] },
        { platform: 'openai', credentials: ['sdk-openai-1'] },
        { platform: 'gemini', credentials: ['sdk-gemini-1'] },
        { platform: 'antigravity', credentials: ['sdk-antigravity-1'], basePath: '/antigravity' },
      ],
    });
    stack = started.stack;
    groups = started.seeded;
    const [a, o, g, ag] = groups as [SeededGroup, SeededGroup, SeededGroup, SeededGroup];
    const url = stack.url;
    // The SDKs retry 429/5xx on their own; off, so every call is one gateway request.
    gw = {
      anthropic: new Anthropic({ apiKey: a.apiKey, baseURL: url, maxRetries: 0 }),
      openai: new OpenAI({ apiKey: o.apiKey, baseURL: `${url}/v1`, maxRetries: 0 }),
      gemini: genai(g.apiKey, url),
      antigravity: new Anthropic({
        apiKey: ag.apiKey,
        baseURL: `${url}/antigravity`,
        maxRetries: 0,
      }),
      antigravityGemini: genai(ag.apiKey, `${url}/antigravity`),
    };
    const s = stack.sim.url;
    sim = {
      anthropic: new Anthropic({ apiKey: 'sdk-anthropic-1', baseURL: s, maxRetries: 0 }),
      openai: new OpenAI({ apiKey: 'sdk-openai-1', baseURL: `${s}/v1`, maxRetries: 0 }),
      // The simulator serves v1beta only; the gateway clients keep the SDK's default version.
      gemini: genai('sdk-gemini-1', s, 'v1beta'),
      antigravity: new Anthropic({
        apiKey: 'sdk-antigravity-1',
        baseURL: `${s}/antigravity`,
        maxRetries: 0,
      }),
      antigravityGemini: genai('sdk-antigravity-1', `${s}/antigravity`, 'v1beta'),
    };
  });

  afterAll(async () => {
    await stack?.stop();
  });

  describe.each(['anthropic', 'antigravity'] as const)('Anthropic Messages (%s)', (which) => {
    const body = {
      model: CLAUDE,
      max_tokens: 64,
      messages: [{ role: 'user' as const, content: PROMPT }],
    };

    it('answers a non-streamed message with the upstream text and usage', async () => {
      const direct = await sim[which].messages.create(body);
      const { data, response } = await gw[which].messages.create(body).withResponse();
      expect(response.status).toBe(200);
      expect(data.content).toEqual(direct.content);
      expect(data.usage).toEqual(direct.usage);
    });

    it('streams a message event by event with the same text and usage', async () => {
      const direct = await sim[which].messages.stream(body).finalMessage();
      const stream = gw[which].messages.stream(body);
      let deltas = 0;
      stream.on('text', () => deltas++);
      const final = await stream.finalMessage();
      expect(final.content).toEqual(direct.content);
      expect(final.usage.output_tokens).toBe(direct.usage.output_tokens);
      expect(final.usage.input_tokens).toBe(direct.usage.input_tokens);
      expect(deltas).toBe(direct.usage.output_tokens);
    });

    it('counts tokens', async () => {
      const direct = await sim[which].messages.countTokens({
        model: CLAUDE,
        messages: body.messages,
      });
      const counted = await gw[which].messages.countTokens({
        model: CLAUDE,
        messages: body.messages,
      });
      expect(counted).toEqual(direct);
    });
  });

  describe('OpenAI', () => {
    const messages = [{ role: 'user' as const, content: PROMPT }];

    it('answers a chat completion with the upstream text and usage', async () => {
      const direct = await sim.openai.chat.completions.create({ model: GPT, messages });
      const answer = await gw.openai.chat.completions.create({ model: GPT, messages });
      expect(answer.choices[0]!.message.content).toBe(direct.choices[0]!.message.content);
      expect(answer.usage).toEqual(direct.usage);
    });

    it('streams a chat completion, with usage even when the client did not ask for it', async () => {
      const direct = await sim.openai.chat.completions.create({
        model: GPT,
        messages,
        stream: true,
        stream_options: { include_usage: true },
      });
      let directText = '';
      for await (const chunk of direct) directText += chunk.choices[0]?.delta.content ?? '';
      const stream = await gw.openai.chat.completions.create({
        model: GPT,
        messages,
        stream: true,
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      expect(text).toBe(directText);
    });

    it('answers a Responses call and streams one', async () => {
      const direct = await sim.openai.responses.create({ model: GPT, input: PROMPT });
      const answer = await gw.openai.responses.create({ model: GPT, input: PROMPT });
      expect(answer.output_text).toBe(direct.output_text);
      expect(answer.usage).toEqual(direct.usage);
      const stream = await gw.openai.responses.create({ model: GPT, input: PROMPT, stream: true });
      let completed: OpenAI.Responses.Response | undefined;
      let text = '';
      for await (const event of stream) {
        if (event.type === 'response.output_text.delta') text += event.delta;
        if (event.type === 'response.completed') completed = event.response;
      }
      expect(text).toBe(direct.output_text);
      expect(completed?.usage).toEqual(direct.usage);
    });

    it('lists the upstream models', async () => {
      const direct = await sim.openai.models.list();
      const listed = await gw.openai.models.list();
      expect(listed.data.map((m) => m.id)).toEqual(direct.data.map((m) => m.id));
    });
  });

  describe.each(['gemini', 'antigravityGemini'] as const)('Gemini (%s)', (which) => {
    it('answers generateContent with the upstream text and usage', async () => {
      const direct = await sim[which].models.generateContent({ model: GEMINI, contents: PROMPT });
      const answer = await gw[which].models.generateContent({ model: GEMINI, contents: PROMPT });
      expect(answer.text).toBe(direct.text);
      expect(answer.usageMetadata).toEqual(direct.usageMetadata);
    });

    it('streams generateContent chunk by chunk', async () => {
      const direct = await sim[which].models.generateContent({ model: GEMINI, contents: PROMPT });
      let text = '';
      let chunks = 0;
      let usage: unknown;
      for await (const chunk of await gw[which].models.generateContentStream({
        model: GEMINI,
        contents: PROMPT,
      })) {
        text += chunk.text ?? '';
        chunks++;
        usage = chunk.usageMetadata;
      }
      expect(text).toBe(direct.text);
      expect(chunks).toBeGreaterThan(1);
      expect(usage).toEqual(direct.usageMetadata);
    });

    it('lists the upstream models', async () => {
      const direct = await sim[which].models.list();
      const listed = await gw[which].models.list();
      const names = (pager: typeof listed) => pager.page.map((m) => m.name);
      expect(names(listed)).toEqual(names(direct));
    });
  });

  it('records every served call once, with the upstream usage', async () => {
    const before = await readUsageStream(stack.bus);
    const body = {
      model: CLAUDE,
      max_tokens: 64,
      messages: [{ role: 'user' as const, content: 'count me' }],
    };
    const direct = await sim.anthropic.messages.create(body);
    const { response } = await gw.anthropic.messages.create(body).withResponse();
    expect(response.status).toBe(200);
    const after = await eventually(async () => {
      const now = await readUsageStream(stack.bus);
      expect(now.usage.length).toBe(before.usage.length + 1);
      return now;
    });
    const record = after.usage.at(-1)!;
    expect(record).toMatchObject({
      apiKeyId: expect.any(Number),
      groupId: groups[0]!.groupId,
      accountId: groups[0]!.accounts.get('sdk-anthropic-1'),
      platform: 'anthropic',
      requestedModel: CLAUDE,
      upstreamModel: CLAUDE,
      inputTokens: direct.usage.input_tokens,
      outputTokens: direct.usage.output_tokens,
      stream: false,
      isCountTokens: false,
    });
    // One record per request id, and none of these calls failed an attempt.
    const ids = after.usage.map((u) => u.requestId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(after.errors).toEqual([]);
    // Every inference call above (model listings are not metered) left exactly one record.
    expect(after.usage.filter((u) => u.isCountTokens)).toHaveLength(2);
    expect(after.usage).toHaveLength(15);
  });
});
