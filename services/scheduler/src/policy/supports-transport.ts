import { Transport } from '@switchyard/contracts';
import { Platform, type Account } from '@switchyard/domain';

/**
 * Whether the account can carry a request over `transport`. Plain HTTP (or no stated transport)
 * works everywhere; Responses-over-WebSocket is an OpenAI (Codex) feature, so only openai
 * accounts serve `ws` requests.
 */
export function supportsTransport(
  account: Pick<Account, 'platform'>,
  transport: Transport | undefined,
): boolean {
  return transport !== Transport.WebSocket || account.platform === Platform.OpenAI;
}
