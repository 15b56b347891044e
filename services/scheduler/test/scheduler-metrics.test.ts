import { createMetricsRegistry } from '@switchyard/telemetry';
import { SchedulerMetrics, SelectOutcome } from '@switchyard/scheduler';
import type { SelectRecord } from '@switchyard/scheduler';

function registry() {
  return createMetricsRegistry({ service: 'scheduler', instance: 'r1', defaultMetrics: false });
}

function metrics(into = registry()) {
  return new SchedulerMetrics('replica-1', into, {
    accountsWithStats: () => 4,
    bucketsLoaded: () => 2,
    accountsLoaded: () => 9,
  });
}

const select = (fields: Partial<SelectRecord>): SelectRecord => ({
  outcome: SelectOutcome.Slot,
  layer: 'load_balance',
  switched: false,
  escapeReason: null,
  loadSkew: null,
  latencyUs: 100,
  ...fields,
});

describe('SchedulerMetrics', () => {
  it('starts at zero', () => {
    expect(metrics().snapshot()).toEqual({
      replicaId: 'replica-1',
      selectTotal: 0,
      previousResponseHits: 0,
      sessionHits: 0,
      loadBalanceSelects: 0,
      switches: 0,
      escapes: 0,
      decisionLatencyAvgUs: 0,
      decisionLatencyP99Us: 0,
      stickyHitRatio: 0,
      switchRate: 0,
      loadSkewAvg: 0,
      accountsWithStats: 4,
    });
  });

  it('aggregates layers, switches, escapes, skew and latency into the snapshot', () => {
    const m = metrics();
    m.record(select({ layer: 'previous_response', latencyUs: 100 }));
    m.record(select({ layer: 'session', latencyUs: 200 }));
    m.record(select({ layer: 'session', outcome: SelectOutcome.Wait, latencyUs: 300 }));
    m.record(select({ loadSkew: 0.2, switched: true, escapeReason: 'ttft', latencyUs: 400 }));
    m.record(select({ loadSkew: 0.4, latencyUs: 1000 }));
    m.record(select({ layer: null, outcome: SelectOutcome.None, latencyUs: 600 }));
    expect(m.snapshot()).toMatchObject({
      selectTotal: 6,
      previousResponseHits: 1,
      sessionHits: 2,
      loadBalanceSelects: 2,
      switches: 1,
      escapes: 1,
      decisionLatencyAvgUs: 433.3,
      decisionLatencyP99Us: 1000,
      stickyHitRatio: 0.5,
      switchRate: 1 / 6,
    });
    expect(m.snapshot().loadSkewAvg).toBeCloseTo(0.3);
  });

  it('publishes the same figures as Prometheus series', async () => {
    const into = registry();
    const m = metrics(into);
    m.record(select({ layer: 'session', leased: true }));
    m.record(select({ loadSkew: 0.5, switched: true, escapeReason: 'error_rate' }));
    const text = await into.metrics();
    // Every series also carries the registry's service and instance labels.
    const series = (name: string, labels: string[], value: number) =>
      new RegExp(
        `^${name}\\{${labels.map((l) => `(?=[^}]*${l})`).join('')}[^}]*\\} ${value}$`,
        'm',
      );
    expect(text).toMatch(
      series('scheduler_selects_total', ['layer="session"', 'outcome="slot"'], 1),
    );
    expect(text).toMatch(series('scheduler_sticky_escapes_total', ['reason="error_rate"'], 1));
    expect(text).toMatch(series('scheduler_session_switches_total', [], 1));
    expect(text).toMatch(series('scheduler_session_leases_total', [], 1));
    expect(text).toMatch(series('scheduler_sticky_hit_ratio', [], 0.5));
    expect(text).toMatch(series('scheduler_load_skew_avg', [], 0.5));
    expect(text).toMatch(series('scheduler_accounts_with_stats', [], 4));
    expect(text).toMatch(series('scheduler_accounts_loaded', [], 9));
    expect(text).toMatch(series('scheduler_decision_latency_seconds_count', [], 2));
  });
});
