/** The upstream platforms the sim stands in for. Antigravity reuses Anthropic and Gemini shapes. */
export const Platform = {
  Anthropic: 'anthropic',
  OpenAI: 'openai',
  Gemini: 'gemini',
  Antigravity: 'antigravity',
} as const;
export type Platform = (typeof Platform)[keyof typeof Platform];

export const PLATFORMS: readonly Platform[] = Object.values(Platform);
