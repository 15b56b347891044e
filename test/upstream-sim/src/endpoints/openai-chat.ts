import { buildAnswer, textOf } from '../core/answer.js';
import type { Answer } from '../core/answer.js';
import { jsonReply } from '../http/reply.js';
import type { Reply, StreamFrame } from '../http/reply.js';
import { randomId } from '../wire/ids.js';
import { openAiDialect } from '../wire/openai-dialect.js';
import { AuthStyle } from './endpoint.js';
import type { Endpoint } from './endpoint.js';
import { badRequest, epochSeconds, isObject, limitOf } from './request-fields.js';

const FINGERPRINT = 'fp_sim0001';

function usageOf(answer: Answer): Record<string, unknown> {
  const output = answer.pieces.length;
  return {
    prompt_tokens: answer.inputTokens,
    completion_tokens: output,
    total_tokens: answer.inputTokens + output,
    prompt_tokens_details: { cached_tokens: answer.cachedInputTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function data(chunk: unknown): StreamFrame {
  return { text: `data: ${JSON.stringify(chunk)}\n\n`, delta: false };
}

function streamFrames(
  id: string,
  created: number,
  model: string,
  answer: Answer,
  finishReason: string,
  includeUsage: boolean,
): StreamFrame[] {
  // With include_usage every chunk carries `usage: null` until the final usage-only chunk.
  const usageField = includeUsage ? ',"usage":null' : '';
  const head = `{"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"service_tier":"default","system_fingerprint":"${FINGERPRINT}","choices":[`;
  const chunk = (choice: unknown): StreamFrame => ({
    text: `data: ${head}${JSON.stringify(choice)}]${usageField}}\n\n`,
    delta: false,
  });
  const frames: StreamFrame[] = [
    chunk({
      index: 0,
      delta: { role: 'assistant', content: '', refusal: null },
      logprobs: null,
      finish_reason: null,
    }),
  ];
  for (const piece of answer.pieces) {
    frames.push({
      text: `data: ${head}{"index":0,"delta":{"content":${JSON.stringify(piece)}},"logprobs":null,"finish_reason":null}]${usageField}}\n\n`,
      delta: true,
    });
  }
  frames.push(chunk({ index: 0, delta: {}, logprobs: null, finish_reason: finishReason }));
  if (includeUsage) {
    frames.push(
      data({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        service_tier: 'default',
        system_fingerprint: FINGERPRINT,
        choices: [],
        usage: usageOf(answer),
      }),
    );
  }
  frames.push({ text: 'data: [DONE]\n\n', delta: false });
  return frames;
}

/** `POST /v1/chat/completions`. */
export const openAiChat: Endpoint = {
  name: 'openai.chat_completions',
  dialect: openAiDialect,
  auth: AuthStyle.OpenAI,
  parse(body) {
    if (!isObject(body))
      return badRequest(openAiDialect, 'We could not parse the JSON body of your request.');
    if (typeof body.model !== 'string' || body.model === '') {
      return badRequest(openAiDialect, 'you must provide a model parameter', 'model');
    }
    if (!Array.isArray(body.messages)) {
      return badRequest(openAiDialect, "Missing required parameter: 'messages'.", 'messages');
    }
    const model = body.model;
    const stream = body.stream === true;
    const streamOptions = isObject(body.stream_options) ? body.stream_options : {};
    const includeUsage = streamOptions.include_usage === true;
    return {
      model,
      stream,
      respond({ credential, behaviour, nowMs }): Reply {
        const answer = buildAnswer(
          {
            credential,
            model,
            inputText: textOf(body.messages),
            maxOutputTokens: limitOf(body.max_completion_tokens) ?? limitOf(body.max_tokens),
          },
          behaviour,
        );
        const id = randomId('chatcmpl-', 29);
        const created = epochSeconds(nowMs);
        const finishReason = answer.truncated ? 'length' : 'stop';
        const headers = openAiDialect.requestHeaders();
        if (stream) {
          const frames = streamFrames(id, created, model, answer, finishReason, includeUsage);
          return { kind: 'stream', status: 200, headers, frames };
        }
        const completion = {
          id,
          object: 'chat.completion',
          created,
          model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: answer.text, refusal: null, annotations: [] },
              logprobs: null,
              finish_reason: finishReason,
            },
          ],
          usage: usageOf(answer),
          service_tier: 'default',
          system_fingerprint: FINGERPRINT,
        };
        return jsonReply(200, completion, headers, answer.pieces.length);
      },
    };
  },
};
