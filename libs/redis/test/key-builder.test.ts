import { InvalidKeyPartError, KeyBuilder } from '@switchyard/redis';

describe('KeyBuilder', () => {
  const keys = new KeyBuilder();

  it("prefixes every key with 'sy:' by default", () => {
    expect(keys.key('a', 1, 'b')).toBe('sy:a:1:b');
    expect(keys.lock('rebuild')).toBe('sy:lock:rebuild');
    expect(keys.leader('hourly-rollup')).toBe('sy:leader:hourly-rollup');
  });

  it('uses a configured prefix', () => {
    const custom = new KeyBuilder('test:');
    expect(custom.slots(7)).toBe('test:{a:7}:slots');
    expect(custom.key('x')).toBe('test:x');
  });

  it('puts all keys of one account under the same hash tag', () => {
    const tag = (key: string) => key.slice(key.indexOf('{'), key.indexOf('}') + 1);
    expect(tag(keys.slots('acc-1'))).toBe('{a:acc-1}');
    expect(tag(keys.waiting('acc-1'))).toBe('{a:acc-1}');
    expect(tag(keys.accountRecord('acc-1'))).toBe('{a:acc-1}');
    expect(keys.slots('acc-1')).not.toBe(keys.waiting('acc-1'));
  });

  it('names the binding, snapshot and API key keys', () => {
    expect(keys.sessionBinding(3, 'abc')).toBe('sy:{g:3}:sess:abc');
    expect(keys.responseBinding(3, 'def')).toBe('sy:{g:3}:resp:def');
    expect(keys.snapshotPointer('anthropic')).toBe('sy:{s:anthropic}:ptr');
    expect(keys.snapshotVersion('anthropic', 12)).toBe('sy:{s:anthropic}:v:12');
    expect(keys.apiKeyConcurrency('k1')).toBe('sy:{k:k1}:conc');
    expect(keys.apiKeyRpm('k1', 29_000_000)).toBe('sy:{k:k1}:rpm:29000000');
  });

  it('keeps a session binding and a response binding of one group on the same hash tag', () => {
    expect(keys.sessionBinding('g', 'x').startsWith('sy:{g:g}:')).toBe(true);
    expect(keys.responseBinding('g', 'y').startsWith('sy:{g:g}:')).toBe(true);
  });

  it('refuses parts that would move the hash tag or collapse the key', () => {
    expect(() => keys.slots('a}b')).toThrow(InvalidKeyPartError);
    expect(() => keys.slots('{x')).toThrow(InvalidKeyPartError);
    expect(() => keys.key('ok', '')).toThrow(InvalidKeyPartError);
    expect(() => keys.apiKeyRpm('k', Number.NaN)).toThrow(InvalidKeyPartError);
    expect(() => new KeyBuilder('{sy}:')).toThrow(InvalidKeyPartError);
  });

  it('reports invalid parts with a stable, non-retryable code', () => {
    let caught: unknown;
    try {
      keys.waiting('');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidKeyPartError);
    expect(caught).toMatchObject({
      name: 'InvalidKeyPartError',
      code: 'invalid_key_part',
      retryable: false,
    });
  });
});
