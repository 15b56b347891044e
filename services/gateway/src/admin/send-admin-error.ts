import type { Response } from 'express';
import { GATEWAY_ERROR_SPECS, toGatewayError } from '../errors/index.js';
import type { GatewayError } from '../errors/index.js';
import { AdminValidationError } from './admin-validation-error.js';
import type { AdminIssue } from './admin-validation-error.js';

/** Error body of the admin API: `{"error":{"code","message","issues"?}}`. */
export type AdminErrorBody = {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly issues?: readonly AdminIssue[];
  };
};

/**
 * Answers an admin request with `err`: validation errors list their fields, GatewayErrors
 * keep their code and status, anything else is a 500 with a fixed message (see
 * toGatewayError). Returns the GatewayError equivalent for logging, or undefined when the
 * response had already started.
 */
export function sendAdminError(res: Response, err: unknown): GatewayError | undefined {
  if (res.headersSent) return undefined;
  if (err instanceof AdminValidationError) {
    const body: AdminErrorBody = {
      error: { code: err.code, message: err.message, issues: err.issues },
    };
    res.status(GATEWAY_ERROR_SPECS.invalid_request.httpStatus).json(body);
    return toGatewayError(err);
  }
  const error = toGatewayError(err);
  const body: AdminErrorBody = { error: { code: error.code, message: error.message } };
  res.status(error.httpStatus).json(body);
  return error;
}
