export const packageName = '@switchyard/db';
