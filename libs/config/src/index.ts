export const packageName = '@switchyard/config';
