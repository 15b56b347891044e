import type { OutgoingHeaders } from '../http/reply.js';
import type { ErrorDialect } from './error-dialect.js';
import { randomId } from './ids.js';
import { formatOpenAiDuration } from './openai-duration.js';

const TYPES: Record<number, { type: string; code: string | null }> = {
  400: { type: 'invalid_request_error', code: null },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory' },
  404: { type: 'invalid_request_error', code: 'model_not_found' },
  429: { type: 'requests', code: 'rate_limit_exceeded' },
};

const MESSAGES: Record<number, string> = {
  401: 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
  403: 'Country, region, or territory not supported',
  404: 'The model does not exist or you do not have access to it.',
  429: 'Rate limit reached for requests. Please try again later.',
  500: 'The server had an error while processing your request. Sorry about that!',
  503: 'The engine is currently overloaded, please try again later',
};

// Codex usage windows: 5 hours (primary) and 7 days (secondary), in minutes.
const PRIMARY_WINDOW_MINUTES = 300;
const SECONDARY_WINDOW_MINUTES = 10_080;
// The weekly window is not the one exhausted: it is partly used and resets later (3 days).
const SECONDARY_USED_PERCENT = 42;
const SECONDARY_MIN_RESET_SECONDS = 3 * 86_400;

/** OpenAI's 429 headers: request/token limit resets and the Codex usage-window headers. */
export function openAiResetHeaders(seconds: number): OutgoingHeaders {
  const duration = formatOpenAiDuration(seconds);
  return {
    'retry-after': seconds,
    'x-ratelimit-remaining-requests': 0,
    'x-ratelimit-reset-requests': duration,
    'x-ratelimit-remaining-tokens': 0,
    'x-ratelimit-reset-tokens': duration,
    'x-codex-primary-used-percent': 100,
    'x-codex-primary-reset-after-seconds': seconds,
    'x-codex-primary-window-minutes': PRIMARY_WINDOW_MINUTES,
    'x-codex-secondary-used-percent': SECONDARY_USED_PERCENT,
    'x-codex-secondary-reset-after-seconds': Math.max(seconds, SECONDARY_MIN_RESET_SECONDS),
    'x-codex-secondary-window-minutes': SECONDARY_WINDOW_MINUTES,
  };
}

function errorShape(status: number): { type: string; code: string | null } {
  return (
    TYPES[status] ??
    (status >= 500
      ? { type: 'server_error', code: null }
      : { type: 'invalid_request_error', code: null })
  );
}

/** OpenAI: `{error:{message, type, param, code}}` and an `x-request-id` header. */
export const openAiDialect: ErrorDialect = {
  name: 'openai',
  requestHeaders: () => ({ 'x-request-id': randomId('req_', 32) }),
  defaultMessage: (status) =>
    MESSAGES[status] ?? (status >= 500 ? MESSAGES[500]! : 'Invalid request'),
  errorBody: (status, message, detail) => {
    const shape = errorShape(status);
    return {
      error: {
        message,
        type: shape.type,
        param: detail.param ?? null,
        code: detail.code ?? shape.code,
      },
    };
  },
  resetHeaders: (seconds) => openAiResetHeaders(seconds),
};

/**
 * The ChatGPT Codex backend (`/backend-api/codex/responses`): OpenAI errors, except that an
 * exhausted plan answers `usage_limit_reached` with `resets_in_seconds`.
 */
export const codexDialect: ErrorDialect = {
  ...openAiDialect,
  name: 'codex',
  errorBody: (status, message, detail, headers) =>
    status === 429
      ? {
          error: {
            type: 'usage_limit_reached',
            message: 'The usage limit has been reached',
            plan_type: 'plus',
            resets_in_seconds: detail.resetAfterSeconds ?? 0,
          },
        }
      : openAiDialect.errorBody(status, message, detail, headers),
};
