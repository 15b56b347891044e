import { Endpoint } from './endpoint.js';

export type BodyInput = {
  readonly endpoint: Endpoint;
  /** The client body as parsed (once) by the route. */
  readonly body: Readonly<Record<string, unknown>> | undefined;
  /** The client body's bytes, sent unchanged when nothing needs rewriting. */
  readonly rawBody: Buffer | undefined;
  readonly requestedModel: string | undefined;
  readonly upstreamModel: string | undefined;
  readonly stream: boolean;
};

/**
 * The body to send upstream. The client's bytes go out untouched unless a field must change —
 * the model (mapping; Gemini carries it in the path instead) or, on a streamed Chat Completion,
 * `stream_options.include_usage` (without it OpenAI sends no usage and the request could not be
 * metered). Only then is the parsed body serialised again, once.
 */
export function upstreamBody(input: BodyInput): Buffer | string | undefined {
  const { endpoint, body } = input;
  if (endpoint === Endpoint.OpenAIModels || endpoint === Endpoint.GeminiModels) return undefined;
  if (body === undefined) return input.rawBody;
  const isGemini =
    endpoint === Endpoint.GeminiGenerate || endpoint === Endpoint.GeminiStreamGenerate;
  const remodel =
    !isGemini && input.upstreamModel !== undefined && input.upstreamModel !== input.requestedModel;
  const addUsage = endpoint === Endpoint.OpenAIChat && input.stream && !includesUsage(body);
  if (!remodel && !addUsage && input.rawBody !== undefined) return input.rawBody;
  const next: Record<string, unknown> = { ...body };
  if (remodel) next.model = input.upstreamModel;
  if (addUsage) {
    const options = body.stream_options;
    next.stream_options = {
      ...(typeof options === 'object' && options !== null ? options : {}),
      include_usage: true,
    };
  }
  return JSON.stringify(next);
}

function includesUsage(body: Readonly<Record<string, unknown>>): boolean {
  const options = body.stream_options as { include_usage?: unknown } | null | undefined;
  return options?.include_usage === true;
}
