/** The credential key is not base64 of exactly 32 bytes. The message never echoes the key. */
export class CredentialKeyError extends Error {
  override readonly name = 'CredentialKeyError';
  readonly code = 'CREDENTIAL_KEY_INVALID' as const;
  readonly retryable = false;
}

export const CREDENTIAL_DECRYPT_CODES = {
  /** Not a `v<n>:<iv>:<tag>:<ciphertext>` blob, or a part has the wrong length. */
  malformed: 'CREDENTIAL_BLOB_MALFORMED',
  /** A blob version this build cannot read. */
  unsupportedVersion: 'CREDENTIAL_BLOB_UNSUPPORTED_VERSION',
  /** Authentication failed: the blob was altered, or it was sealed with another key. */
  unauthentic: 'CREDENTIAL_BLOB_UNAUTHENTIC',
} as const;
export type CredentialDecryptCode =
  (typeof CREDENTIAL_DECRYPT_CODES)[keyof typeof CREDENTIAL_DECRYPT_CODES];

/** A stored credential blob could not be opened. The message never includes the blob. */
export class CredentialDecryptError extends Error {
  override readonly name = 'CredentialDecryptError';
  readonly code: CredentialDecryptCode;
  readonly retryable = false;

  constructor(code: CredentialDecryptCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
