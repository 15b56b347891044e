import type { Response } from 'express';
import type { ClientFormat } from './client-format.js';
import { GATEWAY_ERROR_SPECS } from './gateway-error-code.js';
import { toGatewayError } from './to-gateway-error.js';
import { anthropicErrorResponse } from './formats/anthropic.js';
import { geminiErrorResponse } from './formats/gemini.js';
import { openaiErrorResponse } from './formats/openai.js';
import type { ErrorResponse } from './formats/error-response.js';
import type { GatewayError } from './gateway-error.js';

/** The status and body `err` gets in `format`; pure, for tests and for non-express writers. */
export function clientErrorResponse(
  format: ClientFormat,
  err: GatewayError,
  requestId?: string,
): ErrorResponse {
  switch (format) {
    case 'anthropic':
      return anthropicErrorResponse(err, requestId);
    case 'openai':
      return openaiErrorResponse(err);
    case 'gemini':
      return geminiErrorResponse(err, GATEWAY_ERROR_SPECS[err.code].httpStatus);
  }
}

/**
 * Answers the request with `err` (anything; see toGatewayError) in the client's own error
 * format. The request id comes from the argument or `res.locals.requestId`. Sets
 * `retry-after` when the error names a delay and `x-should-retry` (honoured by the Anthropic
 * and OpenAI SDKs) so that clients do not retry a refusal that cannot succeed, such as a used-up
 * quota. Returns the GatewayError that was sent, or undefined when headers had already gone out
 * (a stream in flight) and nothing could be written.
 */
export function sendClientError(
  res: Response,
  format: ClientFormat,
  err: unknown,
  requestId?: string,
): GatewayError | undefined {
  if (res.headersSent) return undefined;
  const error = toGatewayError(err);
  const locals = res.locals as { requestId?: unknown };
  const id = requestId ?? (typeof locals.requestId === 'string' ? locals.requestId : undefined);
  const { status, body } = clientErrorResponse(format, error, id);
  if (id !== undefined && format === 'anthropic') res.setHeader('request-id', id);
  if (error.retryAfterSeconds !== undefined) {
    res.setHeader('retry-after', String(Math.max(0, Math.ceil(error.retryAfterSeconds))));
  }
  res.setHeader('x-should-retry', String(error.retryable));
  res.status(status).json(body);
  return error;
}
