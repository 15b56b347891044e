/**
 * A model-name pattern where `*` matches any run of characters (including none). Matching is
 * done on the literal pieces between the stars, without building a RegExp, because it runs
 * once per candidate account on every selection.
 */
export type WildcardPattern = {
  readonly pattern: string;
  /** `pattern.split('*')`; at least two pieces when the pattern has a star. */
  readonly pieces: readonly string[];
  /** Characters that must match literally; the "length" used to rank patterns. */
  readonly literalLength: number;
};

export function hasWildcard(key: string): boolean {
  return key.includes('*');
}

export function compileWildcard(pattern: string): WildcardPattern {
  const pieces = pattern.split('*');
  const literalLength = pieces.reduce((sum, piece) => sum + piece.length, 0);
  return { pattern, pieces, literalLength };
}

export function matchesWildcard(compiled: WildcardPattern, value: string): boolean {
  const { pieces, literalLength } = compiled;
  if (value.length < literalLength) return false;
  const first = pieces[0] ?? '';
  const last = pieces[pieces.length - 1] ?? '';
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  // Leftmost placement of each middle piece is optimal for `*`-only globs: it leaves the most
  // room for the pieces after it.
  let position = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i] ?? '';
    const found = value.indexOf(piece, position);
    if (found < 0 || found + piece.length > end) return false;
    position = found + piece.length;
  }
  return position <= end;
}

/**
 * Order in which wildcard patterns are tried: more literal characters first (the more specific
 * pattern wins), then by pattern text so the outcome never depends on key order (Postgres
 * jsonb does not keep the order the admin typed).
 */
export function compareWildcardPrecedence(a: WildcardPattern, b: WildcardPattern): number {
  if (a.literalLength !== b.literalLength) return b.literalLength - a.literalLength;
  return a.pattern < b.pattern ? -1 : a.pattern > b.pattern ? 1 : 0;
}
