export { jsonBody } from './json-body.js';
export type { FormatChoice } from './json-body.js';
export { notFound } from './not-found.js';
export { clientErrorHandler } from './client-error-handler.js';
export type { ClientErrorHandlerOptions } from './client-error-handler.js';
