import { createMetricsRegistry, type Registry } from '@switchyard/telemetry';
import {
  FailoverReason,
  GatewayMetrics,
  SelectOutcome,
  StatusClass,
  failoverReason,
  statusClass,
} from '../src/index.js';

type Sample = { value: number; labels: Record<string, string | number>; metricName?: string };

/** The samples of one series of `name` whose labels include `labels` (histograms: `_count`). */
async function samples(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<Sample[]> {
  const metrics = await registry.getMetricsAsJSON();
  const metric = metrics.find((m) => m.name === name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  // A histogram's samples name their series (`_bucket`, `_sum`, `_count`); a counter's do not.
  const wanted = String(metric.type) === 'histogram' ? `${name}_count` : undefined;
  return (metric.values as Sample[]).filter(
    (v) =>
      (wanted === undefined || v.metricName === wanted) &&
      Object.entries(labels).every(([k, value]) => v.labels[k] === value),
  );
}

async function total(registry: Registry, name: string, labels: Record<string, string>) {
  return (await samples(registry, name, labels)).reduce((sum, s) => sum + s.value, 0);
}

describe('statusClass', () => {
  it('classes statuses by hundreds, with 499 as the client having closed the request', () => {
    expect(statusClass(200)).toBe(StatusClass.Success);
    expect(statusClass(206)).toBe('2xx');
    expect(statusClass(304)).toBe('3xx');
    expect(statusClass(401)).toBe('4xx');
    expect(statusClass(429)).toBe('4xx');
    expect(statusClass(499)).toBe('client_closed');
    expect(statusClass(503)).toBe('5xx');
    expect(statusClass(529)).toBe('5xx');
    expect(statusClass(101)).toBe('other');
    expect(statusClass(600)).toBe('other');
  });
});

describe('failoverReason', () => {
  it('names the upstream statuses that fail over, and 5xx as one class', () => {
    expect(failoverReason(401, false)).toBe(FailoverReason.Unauthorized);
    expect(failoverReason(403, false)).toBe('403');
    expect(failoverReason(429, false)).toBe('429');
    expect(failoverReason(529, false)).toBe('529');
    expect(failoverReason(500, false)).toBe('5xx');
    expect(failoverReason(503, false)).toBe('5xx');
  });

  it('tells a timeout from a connection failure when no answer came', () => {
    expect(failoverReason(null, false)).toBe('connection');
    expect(failoverReason(null, true)).toBe('timeout');
  });

  it('calls any other status an operator rule', () => {
    expect(failoverReason(400, false)).toBe('rule');
  });
});

describe('GatewayMetrics', () => {
  let registry: Registry;
  let metrics: GatewayMetrics;

  beforeEach(() => {
    registry = createMetricsRegistry({ service: 'gateway', instance: 't', defaultMetrics: false });
    metrics = new GatewayMetrics(registry);
  });

  it('counts relayed and refused requests by format and status class', async () => {
    const started = performance.now();
    metrics.relayed('anthropic', false, 200, started);
    metrics.relayed('anthropic', true, 200, started);
    metrics.relayed('openai', false, 499, started);
    metrics.answered('anthropic', 401);
    metrics.answered('gemini', 413);
    const requests = 'gateway_requests_total';
    expect(await total(registry, requests, { format: 'anthropic', status_class: '2xx' })).toBe(2);
    expect(await total(registry, requests, { format: 'anthropic', status_class: '4xx' })).toBe(1);
    expect(await total(registry, requests, { format: 'gemini', status_class: '4xx' })).toBe(1);
    expect(
      await total(registry, requests, { format: 'openai', status_class: 'client_closed' }),
    ).toBe(1);
    expect(await total(registry, requests, {})).toBe(5);
  });

  it('times only the relayed requests, by format and whether they streamed', async () => {
    const started = performance.now();
    metrics.relayed('anthropic', false, 200, started);
    metrics.relayed('anthropic', true, 200, started);
    metrics.relayed('anthropic', true, 502, started);
    metrics.answered('anthropic', 401);
    const duration = 'gateway_request_duration_seconds';
    expect(await total(registry, duration, { format: 'anthropic', stream: 'false' })).toBe(1);
    expect(await total(registry, duration, { format: 'anthropic', stream: 'true' })).toBe(2);
    expect(await total(registry, duration, {})).toBe(3);
  });

  it('buckets selects finely below a millisecond, and past the select budget in +Inf only', async () => {
    metrics.selected(SelectOutcome.Slot, performance.now());
    metrics.selected(SelectOutcome.WaitPlan, performance.now());
    metrics.selected(SelectOutcome.Error, performance.now() - 1_500);
    const name = 'gateway_select_duration_seconds';
    expect(await total(registry, name, { outcome: 'slot' })).toBe(1);
    expect(await total(registry, name, { outcome: 'wait_plan' })).toBe(1);
    expect(await total(registry, name, { outcome: 'error' })).toBe(1);
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name)!;
    const errorBuckets = (metric.values as Sample[]).filter(
      (v) => v.metricName === `${name}_bucket` && v.labels.outcome === 'error',
    );
    expect(errorBuckets.map((b) => b.labels.le)).toEqual(
      expect.arrayContaining([0.0001, 0.00025, 0.0005, 0.001, 1, '+Inf']),
    );
    expect(errorBuckets.find((b) => b.labels.le === 1)?.value).toBe(0);
    expect(errorBuckets.find((b) => b.labels.le === '+Inf')?.value).toBe(1);
  });

  it('observes the first byte only when one arrived', async () => {
    const sent = performance.now();
    metrics.firstByte('anthropic', sent, sent + 250);
    metrics.firstByte('anthropic', sent, null);
    metrics.firstByte('gemini', sent, sent + 10);
    const name = 'gateway_upstream_first_byte_seconds';
    expect(await total(registry, name, { platform: 'anthropic' })).toBe(1);
    expect(await total(registry, name, { platform: 'gemini' })).toBe(1);
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name)!;
    const sum = (metric.values as Sample[]).find(
      (v) => v.metricName === `${name}_sum` && v.labels.platform === 'anthropic',
    );
    expect(sum?.value).toBeCloseTo(0.25, 6);
  });

  it('counts a failover both as an attempt and under its reason', async () => {
    metrics.attempt('anthropic', 'served');
    metrics.attempt('anthropic', 'client_error');
    metrics.failover('anthropic', FailoverReason.Overloaded);
    metrics.failover('openai', FailoverReason.Connection);
    const attempts = 'gateway_attempts_total';
    const failovers = 'gateway_failovers_total';
    expect(await total(registry, attempts, { platform: 'anthropic', outcome: 'served' })).toBe(1);
    expect(await total(registry, attempts, { platform: 'anthropic', outcome: 'failover' })).toBe(1);
    expect(await total(registry, attempts, { platform: 'openai', outcome: 'failover' })).toBe(1);
    expect(await total(registry, failovers, { platform: 'anthropic', reason: '529' })).toBe(1);
    expect(await total(registry, failovers, { platform: 'openai', reason: 'connection' })).toBe(1);
    expect(await total(registry, attempts, { outcome: 'failover' })).toBe(
      await total(registry, failovers, {}),
    );
  });

  it('keeps counting after the registry is reset', async () => {
    metrics.attempt('anthropic', 'served');
    registry.resetMetrics();
    metrics.attempt('anthropic', 'served');
    const attempts = 'gateway_attempts_total';
    expect(await total(registry, attempts, { platform: 'anthropic', outcome: 'served' })).toBe(1);
  });
});
