import type { SelectRequest } from '@switchyard/contracts';
import { responseBindingKey, selectMarkerKey, sessionBindingKey } from '@switchyard/redis';
import type { KeyBuilder } from '@switchyard/redis';
import type { SelectKeys } from './select-redis.js';

/** The Redis keys one select touches besides slots: its marker and, if any, its bindings. */
export function selectKeys(keys: KeyBuilder, request: SelectRequest): SelectKeys {
  return {
    requestId: request.requestId,
    marker: selectMarkerKey(keys, request.requestId),
    session:
      request.sessionHash === undefined
        ? null
        : sessionBindingKey(keys, request.groupId, request.sessionHash),
    response:
      request.previousResponseId === undefined
        ? null
        : responseBindingKey(keys, request.groupId, request.previousResponseId),
  };
}
