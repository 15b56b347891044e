import { randomBytes } from 'node:crypto';
import {
  CREDENTIAL_DECRYPT_CODES,
  CredentialDecryptError,
  CredentialKeyError,
  createCredentialCipher,
} from '@switchyard/db';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');

function decryptError(run: () => unknown): CredentialDecryptError {
  try {
    run();
  } catch (error) {
    if (error instanceof CredentialDecryptError) return error;
    throw error;
  }
  throw new Error('expected decrypt to throw');
}

/** Flips one bit of the base64-encoded part at `index` of a `v1:iv:tag:ciphertext` blob. */
function flipBit(blob: string, index: number): string {
  const parts = blob.split(':');
  const bytes = Buffer.from(parts[index]!, 'base64');
  bytes[0] = bytes[0]! ^ 0x01;
  parts[index] = bytes.toString('base64');
  return parts.join(':');
}

describe('createCredentialCipher', () => {
  const credentials = { apiKey: 'sk-ant-secret', refreshToken: 'r-123', scopes: ['a', 'b'] };

  it('round-trips a JSON credential object', () => {
    const cipher = createCredentialCipher(keyA);
    expect(cipher.decrypt(cipher.encrypt(credentials))).toEqual(credentials);
  });

  it('round-trips strings and other JSON values', () => {
    const cipher = createCredentialCipher(keyA);
    for (const value of ['plain-token', 42, true, null, [1, 'two']]) {
      expect(cipher.decrypt(cipher.encrypt(value))).toEqual(value);
    }
  });

  it('writes a versioned blob that does not contain the plaintext', () => {
    const blob = createCredentialCipher(keyA).encrypt(credentials);
    expect(blob).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(blob).not.toContain('sk-ant-secret');
    expect(Buffer.from(blob.split(':')[1]!, 'base64')).toHaveLength(12);
  });

  it('uses a fresh IV each time, so equal credentials give different blobs', () => {
    const cipher = createCredentialCipher(keyA);
    const first = cipher.encrypt(credentials);
    const second = cipher.encrypt(credentials);
    expect(first).not.toBe(second);
    expect(first.split(':')[1]).not.toBe(second.split(':')[1]);
  });

  it('detects a tampered ciphertext, tag or IV', () => {
    const cipher = createCredentialCipher(keyA);
    const blob = cipher.encrypt(credentials);
    for (const part of [1, 2, 3]) {
      const error = decryptError(() => cipher.decrypt(flipBit(blob, part)));
      expect(error.code).toBe(CREDENTIAL_DECRYPT_CODES.unauthentic);
      expect(error.retryable).toBe(false);
    }
  });

  it('rejects a blob sealed with another key', () => {
    const blob = createCredentialCipher(keyA).encrypt(credentials);
    const error = decryptError(() => createCredentialCipher(keyB).decrypt(blob));
    expect(error.code).toBe(CREDENTIAL_DECRYPT_CODES.unauthentic);
    expect(error.name).toBe('CredentialDecryptError');
    expect(error.message).not.toContain(blob);
  });

  it('refuses malformed blobs and unknown versions with distinct codes', () => {
    const cipher = createCredentialCipher(keyA);
    const blob = cipher.encrypt(credentials);
    expect(decryptError(() => cipher.decrypt('not-a-blob')).code).toBe(
      CREDENTIAL_DECRYPT_CODES.malformed,
    );
    expect(decryptError(() => cipher.decrypt(blob.replace(/^v1:/, 'v1:AAAA'))).code).toBe(
      CREDENTIAL_DECRYPT_CODES.malformed,
    );
    expect(decryptError(() => cipher.decrypt(blob.replace(/^v1:/, 'v9:'))).code).toBe(
      CREDENTIAL_DECRYPT_CODES.unsupportedVersion,
    );
  });

  it('rejects a key that does not decode to 32 bytes', () => {
    for (const bad of [
      randomBytes(16).toString('base64'),
      randomBytes(33).toString('base64'),
      '',
      'not base64 at all!',
    ]) {
      expect(() => createCredentialCipher(bad)).toThrow(CredentialKeyError);
    }
  });

  it('does not echo the rejected key in the error', () => {
    const shortKey = randomBytes(16).toString('base64');
    try {
      createCredentialCipher(shortKey);
      throw new Error('expected a CredentialKeyError');
    } catch (error) {
      expect(error).toBeInstanceOf(CredentialKeyError);
      const keyError = error as CredentialKeyError;
      expect(keyError.code).toBe('CREDENTIAL_KEY_INVALID');
      expect(keyError.message).not.toContain(shortKey);
      expect(keyError.message).toContain('16 bytes');
    }
  });

  it('refuses to encrypt a value JSON cannot represent', () => {
    expect(() => createCredentialCipher(keyA).encrypt(undefined)).toThrow(TypeError);
  });
});
