import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  CREDENTIAL_DECRYPT_CODES,
  CredentialDecryptError,
  CredentialKeyError,
} from './credential-errors.js';

export type CredentialCipher = {
  /** JSON-serialises `plain` and seals it; each call uses a fresh IV. */
  encrypt(plain: unknown): string;
  /** Opens a blob made by `encrypt` with the same key and returns the parsed JSON value. */
  decrypt(blob: string): unknown;
};

const KEY_BYTES = 32; // AES-256
// 96-bit IV, the size GCM is specified for; random 96-bit IVs are safe for 2^32 encryptions
// under one key (NIST SP 800-38D), far beyond the number of upstream accounts.
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';
// Binds the blob to its purpose and version: a v1 ciphertext cannot be replayed under a future
// format that reuses the key.
const AAD = Buffer.from('switchyard.credentials.v1', 'utf8');
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeBase64(text: string): Buffer | null {
  return text.length > 0 && BASE64.test(text) ? Buffer.from(text, 'base64') : null;
}

/**
 * AES-256-GCM for upstream credentials at rest. Blob format:
 * `v1:<iv base64>:<auth tag base64>:<ciphertext base64>`; the version prefix lets a later
 * format (or key rotation) coexist with stored v1 blobs.
 */
export function createCredentialCipher(keyBase64: string): CredentialCipher {
  const key = decodeBase64(keyBase64.trim());
  if (key === null || key.length !== KEY_BYTES) {
    throw new CredentialKeyError(
      `credential key must be base64 of exactly ${KEY_BYTES} bytes` +
        (key === null ? ' (not valid base64)' : ` (decoded to ${key.length} bytes)`),
    );
  }

  return {
    encrypt(plain: unknown): string {
      const json = JSON.stringify(plain);
      if (json === undefined) throw new TypeError('credential value is not JSON-serialisable');
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(AAD);
      const ciphertext = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      const encoded = [iv, tag, ciphertext].map((part) => part.toString('base64'));
      return [VERSION, ...encoded].join(':');
    },

    decrypt(blob: string): unknown {
      const parts = blob.split(':');
      if (parts.length !== 4) {
        throw new CredentialDecryptError(
          CREDENTIAL_DECRYPT_CODES.malformed,
          'credential blob must have 4 colon-separated parts',
        );
      }
      const [version, ivText, tagText, ciphertextText] = parts as [string, string, string, string];
      if (version !== VERSION) {
        throw new CredentialDecryptError(
          CREDENTIAL_DECRYPT_CODES.unsupportedVersion,
          `unsupported credential blob version ${JSON.stringify(version.slice(0, 8))}`,
        );
      }
      const iv = decodeBase64(ivText);
      const tag = decodeBase64(tagText);
      // JSON.stringify of anything serialisable is at least one byte, so empty ciphertext is malformed.
      const ciphertext = decodeBase64(ciphertextText);
      if (iv?.length !== IV_BYTES || tag?.length !== TAG_BYTES || ciphertext === null) {
        throw new CredentialDecryptError(
          CREDENTIAL_DECRYPT_CODES.malformed,
          'credential blob has a bad IV, tag or ciphertext',
        );
      }
      let json: string;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(AAD);
        decipher.setAuthTag(tag);
        json = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch (cause) {
        throw new CredentialDecryptError(
          CREDENTIAL_DECRYPT_CODES.unauthentic,
          'credential blob failed authentication (tampered, or sealed with another key)',
          { cause },
        );
      }
      // Authenticated plaintext was produced by encrypt(), so it is valid JSON.
      return JSON.parse(json) as unknown;
    },
  };
}
