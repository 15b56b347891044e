export const packageName = '@switchyard/domain';
