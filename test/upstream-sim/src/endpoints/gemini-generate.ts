import { buildAnswer, countTokens, textOf } from '../core/answer.js';
import type { Answer } from '../core/answer.js';
import { jsonReply } from '../http/reply.js';
import type { Reply, StreamFrame } from '../http/reply.js';
import { geminiDialect } from '../wire/gemini-dialect.js';
import { randomId } from '../wire/ids.js';
import { AuthStyle } from './endpoint.js';
import type { CallTarget, Endpoint, ParsedCall } from './endpoint.js';
import { badRequest, isObject, limitOf } from './request-fields.js';
import type { JsonObject } from './request-fields.js';

const JSON_TYPE = 'application/json; charset=UTF-8';

/** Wraps each response object: identity for Gemini, `{response}` for Antigravity v1internal. */
type Wrap = (response: JsonObject) => JsonObject;

function usageOf(answer: Answer, candidates: number): JsonObject {
  const usage: JsonObject = {
    promptTokenCount: answer.inputTokens,
    candidatesTokenCount: candidates,
    totalTokenCount: answer.inputTokens + candidates,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: answer.inputTokens }],
  };
  if (answer.cachedInputTokens > 0) usage.cachedContentTokenCount = answer.cachedInputTokens;
  return usage;
}

function chunkOf(
  model: string,
  responseId: string,
  text: string,
  usage: JsonObject,
  finishReason: string | null,
): JsonObject {
  const candidate: JsonObject = { content: { parts: [{ text }], role: 'model' } };
  if (finishReason !== null) candidate.finishReason = finishReason;
  candidate.index = 0;
  return { candidates: [candidate], usageMetadata: usage, modelVersion: model, responseId };
}

/**
 * One chunk per output token; usage counts so far on each, the final chunk carrying the
 * finish reason and the same usage as the non-streamed answer.
 */
function streamFrames(
  model: string,
  answer: Answer,
  finishReason: string,
  sse: boolean,
  wrap: Wrap,
): StreamFrame[] {
  const responseId = randomId('', 22);
  const frames: StreamFrame[] = [];
  const last = answer.pieces.length - 1;
  answer.pieces.forEach((piece, i) => {
    const chunk = wrap(
      chunkOf(model, responseId, piece, usageOf(answer, i + 1), i === last ? finishReason : null),
    );
    const json = JSON.stringify(chunk);
    // alt=sse frames end in CRLF CRLF as Google's do; without it the stream is one JSON array.
    const text = sse ? `data: ${json}\r\n\r\n` : `${i === 0 ? '[' : ',\r\n'}${json}`;
    frames.push({ text, delta: true });
  });
  if (!sse) frames.push({ text: ']', delta: false });
  return frames;
}

function respond(
  model: string,
  request: JsonObject,
  stream: boolean,
  sse: boolean,
  wrap: Wrap,
): ParsedCall['respond'] {
  return ({ credential, behaviour }): Reply => {
    const config = isObject(request.generationConfig) ? request.generationConfig : {};
    const answer = buildAnswer(
      {
        credential,
        model,
        inputText: textOf([request.systemInstruction ?? '', request.contents]),
        maxOutputTokens: limitOf(config.maxOutputTokens),
      },
      behaviour,
    );
    const finishReason = answer.truncated ? 'MAX_TOKENS' : 'STOP';
    if (stream) {
      const headers = sse ? { 'content-type': 'text/event-stream' } : { 'content-type': JSON_TYPE };
      return {
        kind: 'stream',
        status: 200,
        headers,
        frames: streamFrames(model, answer, finishReason, sse, wrap),
      };
    }
    const body = wrap(
      chunkOf(
        model,
        randomId('', 22),
        answer.text,
        usageOf(answer, answer.pieces.length),
        finishReason,
      ),
    );
    return jsonReply(200, body, { 'content-type': JSON_TYPE }, answer.pieces.length);
  };
}

function hasContents(request: unknown): request is JsonObject {
  return isObject(request) && Array.isArray(request.contents);
}

const CONTENTS_MISSING = '* GenerateContentRequest.contents: contents is not specified';

function generate(name: string, stream: boolean): Endpoint {
  return {
    name,
    dialect: geminiDialect,
    auth: AuthStyle.Gemini,
    parse(body, target: CallTarget) {
      const model = target.pathModel ?? '';
      if (!hasContents(body)) return badRequest(geminiDialect, CONTENTS_MISSING);
      const sse = target.query.get('alt') === 'sse';
      return { model, stream, respond: respond(model, body, stream, sse, (r) => r) };
    },
  };
}

/** `POST /v1beta/models/{model}:generateContent`. */
export const geminiGenerate = generate('gemini.generate_content', false);

/** `POST /v1beta/models/{model}:streamGenerateContent` (`?alt=sse` for SSE). */
export const geminiStreamGenerate = generate('gemini.stream_generate_content', true);

/** `POST /v1beta/models/{model}:countTokens`. */
export const geminiCountTokens: Endpoint = {
  name: 'gemini.count_tokens',
  dialect: geminiDialect,
  auth: AuthStyle.Gemini,
  parse(body, target) {
    const request =
      isObject(body) && isObject(body.generateContentRequest) ? body.generateContentRequest : body;
    if (!hasContents(request)) return badRequest(geminiDialect, CONTENTS_MISSING);
    const tokens = countTokens(textOf([request.systemInstruction ?? '', request.contents]));
    return {
      model: target.pathModel,
      stream: false,
      respond: () =>
        jsonReply(
          200,
          { totalTokens: tokens, promptTokensDetails: [{ modality: 'TEXT', tokenCount: tokens }] },
          {
            'content-type': JSON_TYPE,
          },
        ),
    };
  },
};

function internal(name: string, stream: boolean): Endpoint {
  return {
    name,
    dialect: geminiDialect,
    auth: AuthStyle.Gemini,
    parse(body, target) {
      if (!isObject(body) || typeof body.model !== 'string' || body.model === '') {
        return badRequest(geminiDialect, 'model is required');
      }
      const request = body.request;
      if (!hasContents(request)) return badRequest(geminiDialect, CONTENTS_MISSING);
      const sse = target.query.get('alt') === 'sse';
      const traceId = randomId('', 16);
      const wrap: Wrap = (response) => ({ response, traceId });
      return {
        model: body.model,
        stream,
        respond: respond(body.model, request, stream, sse, wrap),
      };
    },
  };
}

/**
 * Antigravity's Cloud Code envelope, `POST /v1internal:generateContent`: the Gemini request
 * under `request` (with `model`, `project`), the Gemini response under `response`.
 */
export const antigravityGenerate = internal('antigravity.generate_content', false);

/** `POST /v1internal:streamGenerateContent?alt=sse`. */
export const antigravityStreamGenerate = internal('antigravity.stream_generate_content', true);
