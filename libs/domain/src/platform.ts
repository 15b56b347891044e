/** Upstream provider family an account (and a group, and a request) belongs to. */
export const Platform = {
  Anthropic: 'anthropic',
  OpenAI: 'openai',
  Gemini: 'gemini',
  Antigravity: 'antigravity',
} as const;

export type Platform = (typeof Platform)[keyof typeof Platform];

export const PLATFORMS = [
  Platform.Anthropic,
  Platform.OpenAI,
  Platform.Gemini,
  Platform.Antigravity,
] as const satisfies readonly Platform[];

export function isPlatform(value: unknown): value is Platform {
  return typeof value === 'string' && (PLATFORMS as readonly string[]).includes(value);
}
