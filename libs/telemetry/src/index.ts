export const packageName = '@switchyard/telemetry';
