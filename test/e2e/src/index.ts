export const packageName = '@switchyard/e2e';
