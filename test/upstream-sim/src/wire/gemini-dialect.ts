import type { ErrorDialect } from './error-dialect.js';

const STATUSES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
  529: 'UNAVAILABLE',
};

const MESSAGES: Record<number, string> = {
  401: 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
  403: 'The caller does not have permission',
  404: 'Requested entity was not found.',
  429: 'Resource has been exhausted (e.g. check quota).',
  500: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  503: 'The model is overloaded. Please try again later.',
};

export function geminiStatus(status: number): string {
  return STATUSES[status] ?? (status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT');
}

/** Gemini (google.rpc.Status): `{error:{code, message, status, details}}`; a 429 adds RetryInfo. */
export const geminiDialect: ErrorDialect = {
  name: 'gemini',
  requestHeaders: () => ({}),
  defaultMessage: (status) =>
    MESSAGES[status] ?? (status >= 500 ? MESSAGES[500]! : 'Invalid request'),
  errorBody: (status, message, detail) => {
    const error: Record<string, unknown> = { code: status, message, status: geminiStatus(status) };
    if (status === 429 && detail.resetAfterSeconds !== undefined) {
      error.details = [
        {
          '@type': 'type.googleapis.com/google.rpc.RetryInfo',
          retryDelay: `${detail.resetAfterSeconds}s`,
        },
      ];
    }
    return { error };
  },
  resetHeaders: (seconds) => ({ 'retry-after': seconds }),
};
