import type { AccountEvent } from './messages/account-events.js';
import { Subjects } from './subjects.js';

/** The subject an account event is published on: `acct.v1.events.<type>`. */
export function accountEventSubject(event: Pick<AccountEvent, 'type'>) {
  return Subjects.accountEvent(event.type);
}
