import {
  Endpoint,
  UnsupportedEndpointError,
  adapterFor,
  readerFor,
  upstreamBody,
  type UpstreamAccount,
  type UpstreamCall,
} from '../src/index.js';

function account(partial: Partial<UpstreamAccount>): UpstreamAccount {
  return {
    id: 1,
    name: 'a',
    platform: 'anthropic',
    type: 'apikey',
    baseUrl: null,
    modelMapping: null,
    credentials: { type: 'apikey', apiKey: 'sk-secret' },
    tempUnschedulableReason: null,
    tempUnschedulableUntil: null,
    ...partial,
  };
}

function call(partial: Partial<UpstreamCall>): UpstreamCall {
  return {
    endpoint: Endpoint.AnthropicMessages,
    account: account({}),
    baseUrl: 'https://up.example',
    secret: 'sk-secret',
    upstreamModel: 'm',
    stream: false,
    sse: false,
    clientHeaders: {},
    ...partial,
  };
}

describe('upstream adapters', () => {
  it('authenticates Anthropic API keys with x-api-key and passes the client version and betas', () => {
    const t = adapterFor('anthropic').target(
      call({
        clientHeaders: {
          'anthropic-version': '2023-06-01',
          'anthropic-beta': 'b1',
          authorization: 'Bearer client-key',
        },
      }),
    );
    expect(t).toEqual({
      url: 'https://up.example/v1/messages',
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
        'anthropic-beta': 'b1',
        'x-api-key': 'sk-secret',
      },
    });
  });

  it('authenticates Anthropic OAuth tokens as Bearer with the OAuth beta flag', () => {
    const t = adapterFor('anthropic').target(
      call({
        account: account({ type: 'oauth' }),
        secret: 'at-1',
        endpoint: Endpoint.AnthropicCountTokens,
      }),
    );
    expect(t.url).toBe('https://up.example/v1/messages/count_tokens');
    expect(t.headers.authorization).toBe('Bearer at-1');
    expect(t.headers['anthropic-beta']).toBe('oauth-2025-04-20');
    expect(t.headers['x-api-key']).toBeUndefined();
  });

  it('sends ChatGPT OAuth accounts to the Codex Responses backend', () => {
    const openai = adapterFor('openai');
    expect(
      openai.target(
        call({ endpoint: Endpoint.OpenAIResponses, account: account({ platform: 'openai' }) }),
      ).url,
    ).toBe('https://up.example/v1/responses');
    const oauth = openai.target(
      call({
        endpoint: Endpoint.OpenAIResponses,
        account: account({ platform: 'openai', type: 'oauth' }),
        secret: 'at',
      }),
    );
    expect(oauth.url).toBe('https://up.example/backend-api/codex/responses');
    expect(oauth.headers.authorization).toBe('Bearer at');
    expect(openai.target(call({ endpoint: Endpoint.OpenAIModels })).method).toBe('GET');
  });

  it('puts the mapped Gemini model in the path and never forwards the client key', () => {
    const t = adapterFor('gemini').target(
      call({
        endpoint: Endpoint.GeminiStreamGenerate,
        upstreamModel: 'gemini-2.5-pro',
        stream: true,
        sse: true,
      }),
    );
    expect(t.url).toBe(
      'https://up.example/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
    );
    expect(t.headers).toEqual({
      'x-goog-api-key': 'sk-secret',
      'content-type': 'application/json',
    });
  });

  it('lets antigravity accounts speak the Anthropic and Gemini dialects only', () => {
    const ag = adapterFor('antigravity');
    const base = 'https://sim/antigravity';
    expect(ag.target(call({ baseUrl: base })).url).toBe(`${base}/v1/messages`);
    expect(ag.target(call({ baseUrl: base, endpoint: Endpoint.GeminiGenerate })).url).toBe(
      `${base}/v1beta/models/m:generateContent`,
    );
    expect(() => ag.target(call({ endpoint: Endpoint.OpenAIChat }))).toThrow(
      UnsupportedEndpointError,
    );
  });
});

describe('upstreamBody', () => {
  const body = { model: 'claude-x', messages: [] };
  const raw = Buffer.from(JSON.stringify(body));

  it("relays the client's bytes unchanged when nothing must change", () => {
    const out = upstreamBody({
      endpoint: Endpoint.AnthropicMessages,
      body,
      rawBody: raw,
      requestedModel: 'claude-x',
      upstreamModel: 'claude-x',
      stream: false,
    });
    expect(out).toBe(raw);
  });

  it('rewrites the model for a mapped account', () => {
    const out = upstreamBody({
      endpoint: Endpoint.AnthropicMessages,
      body,
      rawBody: raw,
      requestedModel: 'claude-x',
      upstreamModel: 'claude-y',
      stream: false,
    });
    expect(JSON.parse(String(out))).toEqual({ model: 'claude-y', messages: [] });
  });

  it('asks for usage on a streamed chat completion and keeps the other stream options', () => {
    const chat = { model: 'gpt', messages: [], stream: true, stream_options: { other: 1 } };
    const out = upstreamBody({
      endpoint: Endpoint.OpenAIChat,
      body: chat,
      rawBody: Buffer.from('{}'),
      requestedModel: 'gpt',
      upstreamModel: 'gpt',
      stream: true,
    });
    expect(JSON.parse(String(out)).stream_options).toEqual({ other: 1, include_usage: true });
  });

  it('leaves the Gemini body alone (the model is in the path) and sends none for listings', () => {
    const g = { contents: [] };
    const graw = Buffer.from('{"contents":[]}');
    expect(
      upstreamBody({
        endpoint: Endpoint.GeminiGenerate,
        body: g,
        rawBody: graw,
        requestedModel: 'a',
        upstreamModel: 'b',
        stream: false,
      }),
    ).toBe(graw);
    expect(
      upstreamBody({
        endpoint: Endpoint.OpenAIModels,
        body: undefined,
        rawBody: undefined,
        requestedModel: undefined,
        upstreamModel: undefined,
        stream: false,
      }),
    ).toBeUndefined();
  });
});

/** Feeds `text` to a reader in chunks of `size` bytes (splitting lines and UTF-8 sequences). */
function feed(
  endpoint: Parameters<typeof readerFor>[0],
  stream: boolean,
  sse: boolean,
  text: string,
  size = 7,
) {
  const reader = readerFor(endpoint, stream, sse);
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) reader.push(bytes.subarray(i, i + size));
  return reader.finish();
}

describe('answer readers', () => {
  it('reads Anthropic stream usage from message_start and the last message_delta', () => {
    const sse = [
      'event: message_start',
      'data: {"type":"message_start","message":{"usage":{"input_tokens":12,"cache_creation_input_tokens":3,"cache_read_input_tokens":40,"output_tokens":1}}}',
      '',
      'event: content_block_delta',
      'data: {"type":"content_block_delta","delta":{"type":"text_delta","text":"héllo \\"usage\\""}}',
      '',
      'event: message_delta',
      'data: {"type":"message_delta","delta":{},"usage":{"output_tokens":25}}',
      '',
    ].join('\n');
    expect(feed(Endpoint.AnthropicMessages, true, true, sse).usage).toEqual({
      inputTokens: 12,
      outputTokens: 25,
      cacheCreationTokens: 3,
      cacheReadTokens: 40,
    });
  });

  it("reads a non-streamed answer's top-level usage, not a tool input that has a usage key", () => {
    const answer = JSON.stringify({
      id: 'msg_1',
      content: [
        {
          type: 'tool_use',
          input: { usage: { input_tokens: 999 }, note: 'a "usage": {"output_tokens": 5} string' },
        },
        { type: 'text', text: 'x'.repeat(100_000) },
      ],
      usage: {
        input_tokens: 3,
        output_tokens: 4,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 1,
      },
    });
    expect(feed(Endpoint.AnthropicMessages, false, false, answer, 4096).usage).toEqual({
      inputTokens: 3,
      outputTokens: 4,
      cacheCreationTokens: 0,
      cacheReadTokens: 1,
    });
    const response = JSON.stringify({
      id: 'resp_9',
      output: [{ id: 'msg_2' }],
      usage: { input_tokens: 1, output_tokens: 2 },
    });
    expect(feed(Endpoint.OpenAIResponses, false, false, response).responseId).toBe('resp_9');
  });

  it('separates cached tokens from OpenAI prompt tokens, streamed or not', () => {
    const body =
      '{"usage":{"prompt_tokens":100,"completion_tokens":9,"prompt_tokens_details":{"cached_tokens":60}}}';
    const expected = {
      inputTokens: 40,
      outputTokens: 9,
      cacheCreationTokens: 0,
      cacheReadTokens: 60,
    };
    expect(feed(Endpoint.OpenAIChat, false, false, body).usage).toEqual(expected);
    const sse = `data: {"choices":[{"delta":{"content":"x"}}],"usage":null}\n\ndata: {"choices":[],${body.slice(1)}\n\ndata: [DONE]\n\n`;
    expect(feed(Endpoint.OpenAIChat, true, true, sse).usage).toEqual(expected);
  });

  it('takes the Responses id from response.created and usage from response.completed', () => {
    const sse = [
      'event: response.created',
      'data: {"type":"response.created","response":{"id":"resp_1","usage":null}}',
      '',
      'event: response.completed',
      'data: {"type":"response.completed","response":{"id":"resp_1","usage":{"input_tokens":10,"output_tokens":4,"input_tokens_details":{"cached_tokens":2}}}}',
      '',
    ].join('\r\n');
    const facts = feed(Endpoint.OpenAIResponses, true, true, sse, 5);
    expect(facts.responseId).toBe('resp_1');
    expect(facts.usage).toEqual({
      inputTokens: 8,
      outputTokens: 4,
      cacheCreationTokens: 0,
      cacheReadTokens: 2,
    });
  });

  it('reads Gemini usage from the last chunk, as SSE or as a streamed JSON array', () => {
    const chunk = (n: number) =>
      `{"candidates":[],"usageMetadata":{"promptTokenCount":20,"candidatesTokenCount":${n},"cachedContentTokenCount":5,"thoughtsTokenCount":2}}`;
    const expected = {
      inputTokens: 15,
      outputTokens: 9,
      cacheCreationTokens: 0,
      cacheReadTokens: 5,
    };
    expect(
      feed(
        Endpoint.GeminiStreamGenerate,
        true,
        true,
        `data: ${chunk(1)}\r\n\r\ndata: ${chunk(7)}\r\n\r\n`,
      ).usage,
    ).toEqual(expected);
    expect(
      feed(Endpoint.GeminiStreamGenerate, true, false, `[${chunk(1)},\r\n${chunk(7)}]`).usage,
    ).toEqual(expected);
  });
});
