import { BusError } from '@switchyard/bus';
import { RpcErrorCode } from '@switchyard/contracts';
import { GatewayError } from '../errors/index.js';

/**
 * A failed `select` as the client sees it: nothing can serve the request → 503
 * no_available_accounts; the scheduler unreachable, slow or with a dependency down → 503
 * scheduler_unavailable (within the select budget, never a hang); a request the scheduler
 * calls invalid → 400.
 */
export function selectFailure(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof BusError) {
    switch (err.code) {
      case RpcErrorCode.NoAvailableAccounts:
        return new GatewayError(
          'no_available_accounts',
          'No upstream account is available to serve this request right now.',
          { cause: err },
        );
      case RpcErrorCode.InvalidRequest:
        return new GatewayError('invalid_request', err.message, { cause: err });
      default:
        return new GatewayError(
          'scheduler_unavailable',
          'The gateway cannot reach its scheduler right now; try again shortly.',
          { cause: err },
        );
    }
  }
  return new GatewayError('internal', 'Internal error in the gateway.', { cause: err });
}
