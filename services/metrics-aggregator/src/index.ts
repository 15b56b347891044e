export const packageName = '@switchyard/metrics-aggregator';
