/**
 * Requested model name (exact, or a pattern with `*` wildcards) → upstream model name.
 * A value of `*` or `''` means "send the requested name unchanged". See model-mapping.ts.
 */
export type ModelMapping = Record<string, string>;
