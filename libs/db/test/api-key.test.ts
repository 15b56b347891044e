import { createHash } from 'node:crypto';
import { DEFAULT_API_KEY_PREFIX, generateApiKey, hashApiKey } from '@switchyard/db';

describe('hashApiKey', () => {
  it('is the lowercase SHA-256 hex of the key', () => {
    expect(hashApiKey('sk-sy-example')).toBe(
      createHash('sha256').update('sk-sy-example').digest('hex'),
    );
    expect(hashApiKey('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('gives different keys different hashes', () => {
    expect(hashApiKey('sk-sy-a')).not.toBe(hashApiKey('sk-sy-b'));
  });
});

describe('generateApiKey', () => {
  it('starts the key with the default prefix and stores its hash', () => {
    const generated = generateApiKey();
    expect(DEFAULT_API_KEY_PREFIX).toBe('sk-sy-');
    expect(generated.key.startsWith('sk-sy-')).toBe(true);
    expect(generated.keyHash).toBe(hashApiKey(generated.key));
    expect(generated.keyHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('shows only the prefix and four more characters', () => {
    const generated = generateApiKey();
    expect(generated.keyPrefix).toHaveLength(10);
    expect(generated.key.startsWith(generated.keyPrefix)).toBe(true);
    expect(generated.key.length).toBeGreaterThan(40);
  });

  it('honours a custom prefix', () => {
    const generated = generateApiKey('team-');
    expect(generated.key.startsWith('team-')).toBe(true);
    expect(generated.keyPrefix).toBe(generated.key.slice(0, 9));
  });

  it('never returns the same key twice', () => {
    const keys = new Set(Array.from({ length: 100 }, () => generateApiKey().key));
    expect(keys.size).toBe(100);
  });

  it('uses only URL-safe characters after the prefix', () => {
    expect(generateApiKey().key.slice(6)).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});
