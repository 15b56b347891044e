import { buildAnswer, countTokens, textOf } from '../core/answer.js';
import type { Answer } from '../core/answer.js';
import { jsonReply } from '../http/reply.js';
import type { Reply, StreamFrame } from '../http/reply.js';
import { anthropicDialect } from '../wire/anthropic-dialect.js';
import { randomId } from '../wire/ids.js';
import { AuthStyle } from './endpoint.js';
import type { Endpoint, ParsedCall } from './endpoint.js';
import { badRequest, isObject, limitOf } from './request-fields.js';
import type { JsonObject } from './request-fields.js';

function event(name: string, data: unknown): StreamFrame {
  return { text: `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`, delta: false };
}

function usageOf(answer: Answer): Record<string, unknown> {
  return {
    input_tokens: answer.inputTokens - answer.cachedInputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: answer.cachedInputTokens,
    output_tokens: answer.pieces.length,
    service_tier: 'standard',
  };
}

function streamFrames(
  id: string,
  model: string,
  answer: Answer,
  stopReason: string,
): StreamFrame[] {
  const usage = usageOf(answer);
  const frames: StreamFrame[] = [
    event('message_start', {
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        // Anthropic reports the input side here and a provisional output count of 1.
        usage: { ...usage, output_tokens: 1 },
      },
    }),
    event('content_block_start', {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    }),
    event('ping', { type: 'ping' }),
  ];
  for (const piece of answer.pieces) {
    frames.push({
      text: `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":${JSON.stringify(piece)}}}\n\n`,
      delta: true,
    });
  }
  frames.push(
    event('content_block_stop', { type: 'content_block_stop', index: 0 }),
    event('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: answer.pieces.length },
    }),
    event('message_stop', { type: 'message_stop' }),
  );
  return frames;
}

function promptText(body: JsonObject): string {
  return textOf([body.system ?? '', body.messages]);
}

/** Checks the fields Anthropic requires; a string is the 400 message. */
function validate(body: unknown, needsMaxTokens: boolean): JsonObject | string {
  if (!isObject(body)) return 'request body must be a JSON object';
  if (typeof body.model !== 'string' || body.model === '') return 'model: Field required';
  if (!Array.isArray(body.messages)) return 'messages: Field required';
  if (needsMaxTokens && limitOf(body.max_tokens) === null) return 'max_tokens: Field required';
  return body;
}

/** `POST /v1/messages`. */
export const anthropicMessages: Endpoint = {
  name: 'anthropic.messages',
  dialect: anthropicDialect,
  auth: AuthStyle.Anthropic,
  parse(raw): ParsedCall | ReturnType<typeof badRequest> {
    const body = validate(raw, true);
    if (typeof body === 'string') return badRequest(anthropicDialect, body);
    const model = body.model as string;
    const stream = body.stream === true;
    return {
      model,
      stream,
      respond({ credential, behaviour }): Reply {
        const answer = buildAnswer(
          {
            credential,
            model,
            inputText: promptText(body),
            maxOutputTokens: limitOf(body.max_tokens),
          },
          behaviour,
        );
        const id = randomId('msg_01');
        const stopReason = answer.truncated ? 'max_tokens' : 'end_turn';
        const headers = anthropicDialect.requestHeaders();
        if (stream) {
          return {
            kind: 'stream',
            status: 200,
            headers,
            frames: streamFrames(id, model, answer, stopReason),
          };
        }
        const message = {
          id,
          type: 'message',
          role: 'assistant',
          model,
          content: [{ type: 'text', text: answer.text }],
          stop_reason: stopReason,
          stop_sequence: null,
          usage: usageOf(answer),
        };
        return jsonReply(200, message, headers, answer.pieces.length);
      },
    };
  },
};

/** `POST /v1/messages/count_tokens`. */
export const anthropicCountTokens: Endpoint = {
  name: 'anthropic.count_tokens',
  dialect: anthropicDialect,
  auth: AuthStyle.Anthropic,
  parse(raw) {
    const body = validate(raw, false);
    if (typeof body === 'string') return badRequest(anthropicDialect, body);
    return {
      model: body.model as string,
      stream: false,
      respond: () =>
        jsonReply(
          200,
          { input_tokens: countTokens(promptText(body)) },
          anthropicDialect.requestHeaders(),
        ),
    };
  },
};
