export { CLIENT_FORMATS, ClientFormat, formatForPath } from './client-format.js';
export { GATEWAY_ERROR_SPECS, GatewayErrorCode } from './gateway-error-code.js';
export type { GatewayErrorSpec } from './gateway-error-code.js';
export { GatewayError, isGatewayError } from './gateway-error.js';
export type { GatewayErrorOptions } from './gateway-error.js';
export { toGatewayError } from './to-gateway-error.js';
export { clientErrorResponse, sendClientError } from './send-client-error.js';
export type { ErrorResponse } from './formats/error-response.js';
