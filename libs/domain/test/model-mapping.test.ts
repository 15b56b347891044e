import {
  compileModelMapping,
  resolveUpstreamModel,
  supportsModel,
  type ModelMapping,
} from '@switchyard/domain';
import { makeAccount, pick, seededRandom } from './account-fixture.js';

describe('resolveUpstreamModel', () => {
  it.each([null, undefined, {}])('passes every model through when the mapping is %p', (mapping) => {
    expect(resolveUpstreamModel(mapping, 'claude-sonnet-4-5')).toBe('claude-sonnet-4-5');
    expect(resolveUpstreamModel(mapping, 'anything-at-all')).toBe('anything-at-all');
  });

  it('maps an exact key to its upstream model', () => {
    const mapping = { 'claude-3-opus': 'claude-3-opus-20240229' };
    expect(resolveUpstreamModel(mapping, 'claude-3-opus')).toBe('claude-3-opus-20240229');
  });

  it('does not treat an exact key as a prefix', () => {
    const mapping = { 'claude-3-opus': 'claude-3-opus-20240229' };
    expect(resolveUpstreamModel(mapping, 'claude-3-opus-latest')).toBeNull();
    expect(resolveUpstreamModel(mapping, 'claude-3')).toBeNull();
  });

  it('matches a trailing wildcard', () => {
    const mapping = { 'claude-3-5-*': 'claude-3-5-sonnet-20241022' };
    expect(resolveUpstreamModel(mapping, 'claude-3-5-haiku')).toBe('claude-3-5-sonnet-20241022');
    expect(resolveUpstreamModel(mapping, 'claude-3-5-')).toBe('claude-3-5-sonnet-20241022');
    expect(resolveUpstreamModel(mapping, 'claude-3-opus')).toBeNull();
  });

  it('matches wildcards at the start and in the middle', () => {
    const mapping = { '*-thinking': 'thinker', 'gemini-*-flash': 'flash' };
    expect(resolveUpstreamModel(mapping, 'claude-opus-thinking')).toBe('thinker');
    expect(resolveUpstreamModel(mapping, 'gemini-2.5-flash')).toBe('flash');
    expect(resolveUpstreamModel(mapping, 'gemini-2.5-flash-lite')).toBeNull();
  });

  it('needs the literal pieces of a pattern not to overlap', () => {
    expect(resolveUpstreamModel({ 'ab*ba': 'x' }, 'aba')).toBeNull();
    expect(resolveUpstreamModel({ 'ab*ba': 'x' }, 'abba')).toBe('x');
  });

  it('prefers the wildcard with the most literal characters', () => {
    const mapping = {
      'claude-*': 'generic',
      'claude-3-5-*': 'three-five',
      'claude-3-*': 'three',
    };
    expect(resolveUpstreamModel(mapping, 'claude-3-5-sonnet')).toBe('three-five');
    expect(resolveUpstreamModel(mapping, 'claude-3-opus')).toBe('three');
    expect(resolveUpstreamModel(mapping, 'claude-4-opus')).toBe('generic');
  });

  it('resolves equally specific wildcards the same whatever the key order', () => {
    const forward = { 'a-*': 'first', '*-z': 'second' };
    const backward = { '*-z': 'second', 'a-*': 'first' };
    expect(resolveUpstreamModel(forward, 'a-z')).toBe(resolveUpstreamModel(backward, 'a-z'));
  });

  it('lets an exact key beat any wildcard, however long', () => {
    const mapping = { 'claude-3-5-sonnet-*': 'wild', 'claude-3-5-sonnet-x': 'exact' };
    expect(resolveUpstreamModel(mapping, 'claude-3-5-sonnet-x')).toBe('exact');
    expect(resolveUpstreamModel(mapping, 'claude-3-5-sonnet-y')).toBe('wild');
  });

  it.each(['*', ''])('passes the requested name through when the value is %p', (value) => {
    const mapping = { 'gpt-4o': value, 'gpt-5*': value };
    expect(resolveUpstreamModel(mapping, 'gpt-4o')).toBe('gpt-4o');
    expect(resolveUpstreamModel(mapping, 'gpt-5-mini')).toBe('gpt-5-mini');
  });

  it('supports any model through a lone star key', () => {
    const mapping = { '*': '*', 'gpt-4o': 'gpt-4o-2024-08-06' };
    expect(resolveUpstreamModel(mapping, 'o3')).toBe('o3');
    expect(resolveUpstreamModel(mapping, 'gpt-4o')).toBe('gpt-4o-2024-08-06');
  });

  it('returns null for a model the mapping does not cover', () => {
    expect(resolveUpstreamModel({ 'gpt-4o': 'gpt-4o' }, 'claude-3-opus')).toBeNull();
  });

  it('gives the same answers from a precompiled mapping as from the raw one', () => {
    const random = seededRandom(7);
    const alphabet = ['a', 'b', '-'];
    const word = (max: number): string =>
      Array.from({ length: Math.floor(random() * (max + 1)) }, () => pick(random, alphabet)).join(
        '',
      );
    for (let round = 0; round < 200; round++) {
      const mapping: ModelMapping = {};
      for (let k = 0; k < 4; k++) {
        const key = random() < 0.6 ? `${word(2)}*${word(2)}` : word(3);
        mapping[key] = `up-${k}`;
      }
      const compiled = compileModelMapping(mapping);
      for (let q = 0; q < 20; q++) {
        const model = word(5);
        const expected = referenceResolve(mapping, model);
        expect(resolveUpstreamModel(mapping, model)).toBe(expected);
        expect(resolveUpstreamModel(compiled, model)).toBe(expected);
        expect(compiled.supports(model)).toBe(expected !== null);
      }
    }
  });
});

describe('supportsModel', () => {
  it('supports every model when the account has no mapping', () => {
    expect(supportsModel(makeAccount({ modelMapping: null }), 'gemini-2.5-pro')).toBe(true);
  });

  it('supports exactly the models its mapping covers', () => {
    const account = makeAccount({ modelMapping: { 'claude-sonnet-*': 'claude-sonnet-4-5' } });
    expect(supportsModel(account, 'claude-sonnet-4')).toBe(true);
    expect(supportsModel(account, 'claude-opus-4')).toBe(false);
  });

  it('sees a replaced mapping, not a stale compiled one', () => {
    const account = makeAccount({ modelMapping: { 'gpt-4o': 'gpt-4o' } });
    expect(supportsModel(account, 'o3')).toBe(false);
    account.modelMapping = { o3: 'o3' };
    expect(supportsModel(account, 'o3')).toBe(true);
    expect(supportsModel(account, 'gpt-4o')).toBe(false);
  });
});

/** Slow but obviously correct: regex per key, exact first, then most literal characters. */
function referenceResolve(mapping: ModelMapping, model: string): string | null {
  const keys = Object.keys(mapping);
  if (keys.length === 0) return model;
  const through = (value: string): string => (value === '*' || value === '' ? model : value);
  if (Object.hasOwn(mapping, model) && !model.includes('*')) return through(mapping[model] ?? '');
  const matching = keys
    .filter((key) => key.includes('*'))
    .filter((key) => globToRegExp(key).test(model))
    .sort((a, b) => literalCount(b) - literalCount(a) || (a < b ? -1 : a > b ? 1 : 0));
  const best = matching[0];
  return best === undefined ? null : through(mapping[best] ?? '');
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.split('*').map((piece) => piece.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 's');
}

function literalCount(pattern: string): number {
  return pattern.replaceAll('*', '').length;
}
