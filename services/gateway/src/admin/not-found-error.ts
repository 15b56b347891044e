import { GatewayError } from '../errors/index.js';

/** 404 for an admin record that does not exist. */
export function notFoundError(kind: 'account' | 'group' | 'API key', id: number): GatewayError {
  return new GatewayError('not_found', `No ${kind} with id ${id}.`);
}
