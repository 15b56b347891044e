import { GatewayError, toGatewayError } from '../errors/index.js';
import type { FailedAttempt } from './attempt-log.js';
import { errorForLastFailure } from './final-error.js';
import type { GroupModels } from './group-models.js';
import type { RelayRequest } from './relay-request.js';
import { servingPlatforms } from './select-input.js';

/**
 * A failed select as the client's error. After failed attempts (`last`), "no account left"
 * answers with the last upstream verdict; before any, it tells a model no account of the group
 * serves (400, the client's mistake) from none being available now (503).
 */
export async function routingError(
  groupModels: GroupModels,
  req: RelayRequest,
  err: unknown,
  last: FailedAttempt | undefined,
): Promise<GatewayError> {
  const error = toGatewayError(err);
  if (error.code !== 'no_available_accounts') return error;
  if (last !== undefined) return errorForLastFailure(last.upstreamStatus, false);
  const groupId = req.auth.groupId;
  if (req.model === undefined || groupId === null) return error;
  const served = await groupModels
    .anyServes(groupId, servingPlatforms(req), req.model)
    .catch(() => true);
  if (served) return error;
  return new GatewayError(
    'invalid_request',
    `The model '${req.model}' is not served by this API key's group.`,
    { param: 'model', reason: 'model_not_served' },
  );
}
