import type { UpstreamErrorRule } from '@switchyard/config';

/**
 * An operator rule (config `UPSTREAM_ERROR_RULES`) as prepared for matching: keywords
 * lower-cased once. Rules are checked before the built-in ones, in order, so an operator can
 * single out e.g. a 400 "organization has been disabled".
 */
export type CompiledErrorRule = UpstreamErrorRule & { readonly lowerKeywords: readonly string[] };

export function compileErrorRules(rules: readonly UpstreamErrorRule[]): CompiledErrorRule[] {
  return rules.map((rule) => ({
    ...rule,
    lowerKeywords: rule.keywords.map((k) => k.toLowerCase()),
  }));
}

/** The first rule matching the answer, with the keyword that matched ('' for a status-only rule). */
export function matchErrorRule(
  rules: readonly CompiledErrorRule[],
  status: number,
  body: string,
): { rule: CompiledErrorRule; keyword: string } | null {
  let lowerBody: string | undefined;
  for (const rule of rules) {
    if (!rule.statusCodes.includes(status)) continue;
    if (rule.lowerKeywords.length === 0) return { rule, keyword: '' };
    lowerBody ??= body.toLowerCase();
    for (let i = 0; i < rule.lowerKeywords.length; i++) {
      if (lowerBody.includes(rule.lowerKeywords[i]!)) return { rule, keyword: rule.keywords[i]! };
    }
  }
  return null;
}
