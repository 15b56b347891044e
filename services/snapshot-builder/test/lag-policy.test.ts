import { assessLag, INITIAL_LAG_STATE, LagRebuildReason } from '@switchyard/snapshot-builder';
import type { LagSample, LagState, LagThresholds } from '@switchyard/snapshot-builder';

const NOW = 1_700_000_000_000;
const thresholds: LagThresholds = {
  warnMs: 5_000,
  rebuildMs: 10_000,
  rebuildChecks: 3,
  backlogRows: 10_000,
};

function sample(overrides: Partial<LagSample> = {}): LagSample {
  return { pending: 1, oldestPendingAt: NOW, lastFullRebuildAt: NOW - 600_000, ...overrides };
}

/** Runs checks one second apart, each seeing the oldest pending event `ageMs` old. */
function run(ages: readonly number[], state: LagState = INITIAL_LAG_STATE) {
  const verdicts = [];
  let t = NOW;
  for (const ageMs of ages) {
    const verdict = assessLag(state, sample({ oldestPendingAt: t - ageMs }), thresholds, t);
    verdicts.push(verdict);
    state = verdict.state;
    t += 1_000;
  }
  return verdicts;
}

describe('assessLag', () => {
  it('reports no lag when nothing is pending', () => {
    const verdict = assessLag(
      { slowChecks: 2 },
      sample({ pending: 0, oldestPendingAt: null }),
      thresholds,
      NOW,
    );
    expect(verdict).toEqual({ state: { slowChecks: 0 }, lagMs: 0, warn: false, rebuild: null });
  });

  it('measures lag from the oldest pending event, on the clock it is given', () => {
    const verdict = assessLag(
      INITIAL_LAG_STATE,
      sample({ oldestPendingAt: NOW - 1_234 }),
      thresholds,
      NOW,
    );
    expect(verdict.lagMs).toBe(1_234);
    expect(verdict.warn).toBe(false);
  });

  it('warns from lag_warn_seconds on', () => {
    expect(run([4_999])[0]?.warn).toBe(false);
    expect(run([5_000])[0]?.warn).toBe(true);
  });

  it('asks for a full rebuild after lag_rebuild_failures slow checks in a row, then starts over', () => {
    const verdicts = run([11_000, 12_000, 13_000, 14_000]);
    expect(verdicts.map((v) => v.rebuild)).toEqual([null, null, LagRebuildReason.Lag, null]);
    expect(verdicts.map((v) => v.state.slowChecks)).toEqual([1, 2, 0, 1]);
  });

  it('starts counting again after a check that was not slow', () => {
    const verdicts = run([11_000, 12_000, 3_000, 11_000, 12_000]);
    expect(verdicts.every((v) => v.rebuild === null)).toBe(true);
    expect(verdicts.at(-1)?.state.slowChecks).toBe(2);
  });

  it('does not count a lag of exactly lag_rebuild_seconds as slow', () => {
    expect(run([10_000, 10_000, 10_000]).map((v) => v.rebuild)).toEqual([null, null, null]);
  });

  it('asks for a full rebuild at once when more than backlog_rebuild_rows are pending', () => {
    const over = assessLag(INITIAL_LAG_STATE, sample({ pending: 10_001 }), thresholds, NOW);
    const at = assessLag(INITIAL_LAG_STATE, sample({ pending: 10_000 }), thresholds, NOW);
    expect(over.rebuild).toBe(LagRebuildReason.Backlog);
    expect(at.rebuild).toBeNull();
  });

  it('counts lag only from the last full rebuild, which already covered older events', () => {
    const verdict = assessLag(
      INITIAL_LAG_STATE,
      sample({ oldestPendingAt: NOW - 60_000, lastFullRebuildAt: NOW - 2_000 }),
      thresholds,
      NOW,
    );
    expect(verdict.lagMs).toBe(2_000);
  });

  it('gives the backlog a rebuild left behind time to drain before asking for another', () => {
    const recent = sample({ pending: 50_000, lastFullRebuildAt: NOW - 9_000 });
    expect(assessLag(INITIAL_LAG_STATE, recent, thresholds, NOW).rebuild).toBeNull();
    const later = assessLag(INITIAL_LAG_STATE, recent, thresholds, NOW + 1_000);
    expect(later.rebuild).toBe(LagRebuildReason.Backlog);
  });

  it('never reports a negative lag for an event stamped ahead of the clock', () => {
    expect(run([-500])[0]?.lagMs).toBe(0);
  });
});
