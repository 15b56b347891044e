import type { EventSourceMessage } from 'eventsource-parser';
import { payloads } from './sim-client.js';

type Json = Record<string, unknown>;

/** The text and usage of one answer, however it was delivered. */
export interface Outcome {
  readonly text: string;
  readonly usage: unknown;
}

/** How to call one vendor route and read its answers, for table-driven tests. */
export interface VendorCase {
  readonly name: string;
  readonly path: string;
  /** Path of the streamed variant when it differs (Gemini). */
  readonly streamPath?: string;
  headers(credential: string): Record<string, string>;
  body(stream: boolean, prompt: string): Json;
  fromJson(body: Json): Outcome;
  fromStream(events: readonly EventSourceMessage[]): Outcome;
}

const at = (value: unknown, ...keys: (string | number)[]): unknown =>
  keys.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], value);

const anthropicCase = (name: string, prefix: string): VendorCase => ({
  name,
  path: `${prefix}/v1/messages`,
  headers: (credential) => ({ 'x-api-key': credential, 'anthropic-version': '2023-06-01' }),
  body: (stream, prompt) => ({
    model: 'claude-sonnet-4-5',
    max_tokens: 1024,
    stream,
    system: 'You are terse.',
    messages: [{ role: 'user', content: [{ type: 'text', text: prompt }] }],
  }),
  fromJson: (body) => ({ text: at(body, 'content', 0, 'text') as string, usage: body.usage }),
  fromStream: (events) => {
    const data = payloads(events);
    const start = data.find((d) => d.type === 'message_start');
    const delta = data.find((d) => d.type === 'message_delta');
    const text = data
      .filter((d) => d.type === 'content_block_delta')
      .map((d) => at(d, 'delta', 'text'))
      .join('');
    return {
      text,
      usage: { ...(at(start, 'message', 'usage') as Json), ...(at(delta, 'usage') as Json) },
    };
  },
});

const geminiText = (chunk: unknown): string =>
  at(chunk, 'candidates', 0, 'content', 'parts', 0, 'text') as string;

const geminiCase = (
  name: string,
  path: string,
  streamPath: string,
  unwrap: (body: Json) => Json,
  wrapRequest: (request: Json) => Json,
): VendorCase => ({
  name,
  path,
  streamPath,
  headers: (credential) => ({ 'x-goog-api-key': credential }),
  body: (_stream, prompt) =>
    wrapRequest({
      systemInstruction: { parts: [{ text: 'You are terse.' }] },
      contents: [{ role: 'user', parts: [{ text: prompt }] }],
    }),
  fromJson: (body) => ({ text: geminiText(unwrap(body)), usage: unwrap(body).usageMetadata }),
  fromStream: (events) => {
    const chunks = payloads(events).map(unwrap);
    return {
      text: chunks.map(geminiText).join(''),
      usage: chunks[chunks.length - 1]?.usageMetadata,
    };
  },
});

export const VENDORS: readonly VendorCase[] = [
  anthropicCase('anthropic messages', ''),
  anthropicCase('antigravity anthropic messages', '/antigravity'),
  {
    name: 'openai chat completions',
    path: '/v1/chat/completions',
    headers: (credential) => ({ authorization: `Bearer ${credential}` }),
    body: (stream, prompt) => ({
      model: 'gpt-4o',
      stream,
      ...(stream ? { stream_options: { include_usage: true } } : {}),
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: prompt },
      ],
    }),
    fromJson: (body) => ({
      text: at(body, 'choices', 0, 'message', 'content') as string,
      usage: body.usage,
    }),
    fromStream: (events) => {
      const data = payloads(events);
      const text = data
        .filter((d) => (d.choices as unknown[]).length > 0)
        .map((d) => at(d, 'choices', 0, 'delta', 'content') ?? '')
        .join('');
      return { text, usage: data[data.length - 1]?.usage };
    },
  },
  {
    name: 'openai responses',
    path: '/v1/responses',
    headers: (credential) => ({ authorization: `Bearer ${credential}` }),
    body: (stream, prompt) => ({
      model: 'gpt-5',
      stream,
      instructions: 'You are terse.',
      input: [{ role: 'user', content: [{ type: 'input_text', text: prompt }] }],
    }),
    fromJson: (body) => ({
      text: at(body, 'output', 0, 'content', 0, 'text') as string,
      usage: body.usage,
    }),
    fromStream: (events) => {
      const data = payloads(events);
      const text = data
        .filter((d) => d.type === 'response.output_text.delta')
        .map((d) => d.delta)
        .join('');
      const completed = data.find((d) => d.type === 'response.completed');
      return { text, usage: at(completed, 'response', 'usage') };
    },
  },
  geminiCase(
    'gemini generateContent',
    '/v1beta/models/gemini-2.5-pro:generateContent',
    '/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
    (body) => body,
    (request) => request,
  ),
  geminiCase(
    'antigravity gemini generateContent',
    '/antigravity/v1beta/models/gemini-2.5-pro:generateContent',
    '/antigravity/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
    (body) => body,
    (request) => request,
  ),
  geminiCase(
    'antigravity v1internal generateContent',
    '/antigravity/v1internal:generateContent',
    '/antigravity/v1internal:streamGenerateContent?alt=sse',
    (body) => body.response as Json,
    (request) => ({ model: 'claude-sonnet-4-5', project: 'proj-1', requestId: 'r-1', request }),
  ),
];

export function vendor(name: string): VendorCase {
  const found = VENDORS.find((v) => v.name === name);
  if (found === undefined) throw new Error(`no vendor case ${name}`);
  return found;
}

/** The body to send for a vendor, with `stream` set for those that carry it in the body. */
export function requestFor(
  v: VendorCase,
  stream: boolean,
  prompt = 'Tell me about switchyards',
): {
  path: string;
  body: Json;
} {
  return { path: stream ? (v.streamPath ?? v.path) : v.path, body: v.body(stream, prompt) };
}
