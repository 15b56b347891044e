export const packageName = '@switchyard/contracts';
