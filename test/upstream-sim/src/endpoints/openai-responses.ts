import { buildAnswer, textOf } from '../core/answer.js';
import type { Answer } from '../core/answer.js';
import { jsonReply } from '../http/reply.js';
import type { Reply, StreamFrame } from '../http/reply.js';
import type { ErrorDialect } from '../wire/error-dialect.js';
import { errorReply } from '../wire/error-reply.js';
import { randomId } from '../wire/ids.js';
import { codexDialect, openAiDialect } from '../wire/openai-dialect.js';
import { AuthStyle } from './endpoint.js';
import type { Endpoint, RespondContext } from './endpoint.js';
import { badRequest, epochSeconds, isObject, limitOf } from './request-fields.js';
import type { JsonObject } from './request-fields.js';

interface ResponseRequest {
  readonly model: string;
  readonly stream: boolean;
  readonly store: boolean;
  readonly previousResponseId: string | null;
  readonly instructions: string | null;
  readonly maxOutputTokens: number | null;
  readonly inputText: string;
}

function usageOf(answer: Answer): Record<string, unknown> {
  const output = answer.pieces.length;
  return {
    input_tokens: answer.inputTokens,
    input_tokens_details: { cached_tokens: answer.cachedInputTokens },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: answer.inputTokens + output,
  };
}

function outputText(text: string): JsonObject {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

function message(id: string, status: string, content: unknown[]): JsonObject {
  return { id, type: 'message', status, content, role: 'assistant' };
}

/** The `response` object, in progress (no output yet) or finished. */
function responseObject(
  request: ResponseRequest,
  id: string,
  createdAt: number,
  finished: { answer: Answer; messageId: string } | null,
): JsonObject {
  const truncated = finished?.answer.truncated === true;
  const status = finished === null ? 'in_progress' : truncated ? 'incomplete' : 'completed';
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status,
    background: false,
    error: null,
    incomplete_details: truncated ? { reason: 'max_output_tokens' } : null,
    instructions: request.instructions,
    max_output_tokens: request.maxOutputTokens,
    model: request.model,
    output:
      finished === null
        ? []
        : [message(finished.messageId, status, [outputText(finished.answer.text)])],
    parallel_tool_calls: true,
    previous_response_id: request.previousResponseId,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: request.store,
    temperature: 1,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: finished === null ? null : usageOf(finished.answer),
    user: null,
    metadata: {},
  };
}

function streamFrames(
  request: ResponseRequest,
  id: string,
  createdAt: number,
  answer: Answer,
  messageId: string,
): StreamFrame[] {
  let sequence = 0;
  const frames: StreamFrame[] = [];
  const emit = (type: string, fields: JsonObject): void => {
    const data = JSON.stringify({ type, sequence_number: sequence, ...fields });
    sequence += 1;
    frames.push({ text: `event: ${type}\ndata: ${data}\n\n`, delta: false });
  };
  const at = { item_id: messageId, output_index: 0, content_index: 0 };
  const pending = responseObject(request, id, createdAt, null);
  const done = responseObject(request, id, createdAt, { answer, messageId });
  emit('response.created', { response: pending });
  emit('response.in_progress', { response: pending });
  emit('response.output_item.added', {
    output_index: 0,
    item: message(messageId, 'in_progress', []),
  });
  emit('response.content_part.added', { ...at, part: outputText('') });
  // Deltas are the hot loop of a stream: build them from a template instead of JSON.stringify.
  const deltaFields = `,"item_id":${JSON.stringify(messageId)},"output_index":0,"content_index":0,"delta":`;
  for (const piece of answer.pieces) {
    frames.push({
      text: `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":${sequence}${deltaFields}${JSON.stringify(piece)},"logprobs":[]}\n\n`,
      delta: true,
    });
    sequence += 1;
  }
  emit('response.output_text.done', { ...at, text: answer.text, logprobs: [] });
  emit('response.content_part.done', { ...at, part: outputText(answer.text) });
  emit('response.output_item.done', { output_index: 0, item: (done.output as unknown[])[0] });
  emit(answer.truncated ? 'response.incomplete' : 'response.completed', { response: done });
  return frames;
}

function parseRequest(
  dialect: ErrorDialect,
  body: unknown,
): ResponseRequest | ReturnType<typeof badRequest> {
  if (!isObject(body))
    return badRequest(dialect, 'We could not parse the JSON body of your request.');
  if (typeof body.model !== 'string' || body.model === '') {
    return badRequest(dialect, "Missing required parameter: 'model'.", 'model');
  }
  const previous = body.previous_response_id;
  if (previous !== undefined && previous !== null && typeof previous !== 'string') {
    return badRequest(dialect, "Invalid type for 'previous_response_id'.", 'previous_response_id');
  }
  const instructions = typeof body.instructions === 'string' ? body.instructions : null;
  return {
    model: body.model,
    stream: body.stream === true,
    store: body.store !== false,
    previousResponseId: typeof previous === 'string' ? previous : null,
    instructions,
    maxOutputTokens: limitOf(body.max_output_tokens),
    inputText: textOf([instructions ?? '', body.input ?? '']),
  };
}

function respond(dialect: ErrorDialect, request: ResponseRequest, context: RespondContext): Reply {
  const { credential, behaviour, state, nowMs } = context;
  const previous = request.previousResponseId;
  let carried = 0;
  if (previous !== null) {
    const tokens = state.responses.contextTokens(previous, credential);
    if (tokens === undefined) {
      return errorReply(dialect, 400, nowMs, {
        message: `Previous response with id '${previous}' not found.`,
        param: 'previous_response_id',
        code: 'previous_response_not_found',
      });
    }
    carried = tokens;
  }
  const answer = buildAnswer(
    {
      credential,
      model: request.model,
      inputText: request.inputText,
      extraInputTokens: carried,
      salt: previous ?? '',
      maxOutputTokens: request.maxOutputTokens,
    },
    behaviour,
  );
  const id = randomId('resp_', 40);
  const messageId = randomId('msg_', 40);
  const createdAt = epochSeconds(nowMs);
  // store:false responses cannot be continued, as with OpenAI.
  if (request.store)
    state.responses.remember(id, credential, answer.inputTokens + answer.pieces.length);
  const headers = dialect.requestHeaders();
  if (request.stream) {
    const frames = streamFrames(request, id, createdAt, answer, messageId);
    return { kind: 'stream', status: 200, headers, frames };
  }
  const body = responseObject(request, id, createdAt, { answer, messageId });
  return jsonReply(200, body, headers, answer.pieces.length);
}

function responsesEndpoint(name: string, dialect: ErrorDialect): Endpoint {
  return {
    name,
    dialect,
    auth: AuthStyle.OpenAI,
    parse(body) {
      const request = parseRequest(dialect, body);
      if ('kind' in request) return request;
      return {
        model: request.model,
        stream: request.stream,
        respond: (context) => respond(dialect, request, context),
      };
    },
  };
}

/** `POST /v1/responses`. */
export const openAiResponses = responsesEndpoint('openai.responses', openAiDialect);

/** `POST /backend-api/codex/responses` (ChatGPT OAuth accounts). */
export const codexResponses = responsesEndpoint('codex.responses', codexDialect);
