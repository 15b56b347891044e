import type { Kysely } from 'kysely';
import type { AccountEventInput } from '@switchyard/bus';
import type { CredentialCipher, Database } from '@switchyard/db';
import type { Logger } from '@switchyard/telemetry';

/** Where admin changes are announced; `AccountEventPublisher` from @switchyard/bus fits. */
export type AccountEventSink = {
  publish(event: AccountEventInput): Promise<unknown>;
};

export type AdminDeps = {
  readonly db: Kysely<Database>;
  /** createCredentialCipher(config.credentialKey.toString('base64')). */
  readonly cipher: CredentialCipher;
  readonly events: AccountEventSink;
  /** config.adminToken. */
  readonly adminToken: string;
  readonly now?: () => number;
  /**
   * Told the hash of an API key that was changed or deleted, so this replica's key cache can
   * drop it at once (`ApiKeyLookup.invalidate`); other replicas catch up within their TTL.
   */
  readonly onApiKeyChanged?: (keyHash: string) => void;
  readonly logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
};
