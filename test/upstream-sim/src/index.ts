export const packageName = '@switchyard/upstream-sim';
