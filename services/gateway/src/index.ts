export const packageName = '@switchyard/gateway';
