export const packageName = '@switchyard/harness';
