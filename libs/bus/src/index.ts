export const packageName = '@switchyard/bus';
