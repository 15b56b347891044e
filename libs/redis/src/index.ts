export const packageName = '@switchyard/redis';
