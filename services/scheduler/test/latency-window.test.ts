import { LatencyWindow } from '@switchyard/scheduler';

describe('LatencyWindow', () => {
  it('reports 0 before any sample', () => {
    const window = new LatencyWindow(8);
    expect([window.mean(), window.percentile(99), window.count]).toEqual([0, 0, 0]);
  });

  it('gives the mean and nearest-rank percentiles of its samples', () => {
    const window = new LatencyWindow(1000);
    for (let i = 1; i <= 100; i++) window.record(i);
    expect(window.mean()).toBe(50.5);
    expect(window.percentile(50)).toBe(50);
    expect(window.percentile(99)).toBe(99);
    expect(window.percentile(100)).toBe(100);
  });

  it('forgets the oldest samples once full', () => {
    const window = new LatencyWindow(4);
    for (const v of [1000, 1000, 1, 2, 3, 4]) window.record(v);
    expect(window.count).toBe(4);
    expect(window.mean()).toBe(2.5);
    expect(window.percentile(99)).toBe(4);
  });
});
