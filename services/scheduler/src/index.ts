export const packageName = '@switchyard/scheduler';
