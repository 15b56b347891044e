import { UnexpectedReplyError } from './redis-errors.js';

/** Integer reply → 0/1 flag, refusing anything else. */
export function parseFlag(what: string): (reply: unknown) => boolean {
  return (reply) => {
    if (reply === 1) return true;
    if (reply === 0) return false;
    throw new UnexpectedReplyError(what, reply);
  };
}
