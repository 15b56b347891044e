export const packageName = '@switchyard/bench';
