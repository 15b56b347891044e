import { z } from 'zod';
import type { AccountType } from '@switchyard/domain';

const secret = z.string().min(1);

/** What an API-key account stores: `{ apiKey }`. */
export const apiKeyCredentialsSchema = z.object({ apiKey: secret }).strict();

/**
 * What an OAuth account stores: tokens and the access token's expiry in epoch ms (an ISO time
 * is accepted and converted), optionally its own token endpoint.
 */
export const oauthCredentialsSchema = z
  .object({
    accessToken: secret,
    refreshToken: secret,
    expiresAt: z.union([
      z.number().int().nonnegative(),
      z.iso.datetime({ offset: true }).transform((iso) => Date.parse(iso)),
    ]),
    tokenUrl: z.url({ protocol: /^https?$/ }).optional(),
  })
  .strict();

/** The credentials schema of an account type; the stored (encrypted) form is its output. */
export function credentialsSchemaFor(type: AccountType) {
  return type === 'apikey' ? apiKeyCredentialsSchema : oauthCredentialsSchema;
}
