import {
  KeyBuilder,
  digestKeyPart,
  responseBindingKey,
  safeKeyPart,
  selectMarkerKey,
  sessionBindingKey,
} from '@switchyard/redis';

const keys = new KeyBuilder('sy:');

describe('safeKeyPart', () => {
  it('keeps a short plain value as it is', () => {
    expect(safeKeyPart('sess_0123abc-XYZ.9')).toBe('sess_0123abc-XYZ.9');
  });

  it('replaces a value with braces, spaces or excess length by a marked digest', () => {
    for (const value of ['a{b}', 'with space', 'x'.repeat(129), '#looks-digested', 'ünïcode']) {
      const part = safeKeyPart(value);
      expect(part).toBe(`#${digestKeyPart(value)}`);
      expect(part).toMatch(/^#[A-Za-z0-9_-]{22}$/);
    }
  });

  it('gives different values different digests and the same value the same one', () => {
    expect(digestKeyPart('resp_1')).toBe(digestKeyPart('resp_1'));
    expect(digestKeyPart('resp_1')).not.toBe(digestKeyPart('resp_2'));
  });
});

describe('binding keys', () => {
  it('keeps a group’s bindings under the group’s hash tag', () => {
    expect(sessionBindingKey(keys, 12, 'abc')).toBe('sy:{g:12}:sess:abc');
    expect(sessionBindingKey(keys, 12, 'a{b')).toBe(`sy:{g:12}:sess:#${digestKeyPart('a{b')}`);
    expect(responseBindingKey(keys, 12, 'resp_abc')).toBe(
      `sy:{g:12}:resp:${digestKeyPart('resp_abc')}`,
    );
  });

  it('derives the select marker from the request id', () => {
    expect(selectMarkerKey(keys, 'req-1')).toBe('sy:sel:req-1');
    expect(selectMarkerKey(keys, 'req {1}')).toBe(`sy:sel:#${digestKeyPart('req {1}')}`);
  });
});
