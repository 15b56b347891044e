export const packageName = '@switchyard/snapshot-builder';
