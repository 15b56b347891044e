import { TokenBucket } from '@switchyard/scheduler';

describe('TokenBucket', () => {
  it('admits a burst, then refuses until time has earned a token', () => {
    const bucket = new TokenBucket({ ratePerSec: 10, burst: 3 });
    expect([0, 0, 0, 0].map((t) => bucket.tryTake(t))).toEqual([true, true, true, false]);
    expect(bucket.tryTake(99)).toBe(false); // 0.99 of a token
    expect(bucket.tryTake(100)).toBe(true);
    expect(bucket.tryTake(100)).toBe(false);
  });

  it('holds the long-run rate at ratePerSec', () => {
    const bucket = new TokenBucket({ ratePerSec: 5 });
    let taken = 0;
    // Ask every millisecond for 10 s: 5 per second plus the initial burst of 5.
    for (let t = 0; t <= 10_000; t++) if (bucket.tryTake(t)) taken += 1;
    expect(taken).toBe(55);
  });

  it('never holds more than the burst however long it idles', () => {
    const bucket = new TokenBucket({ ratePerSec: 100, burst: 2 });
    bucket.tryTake(0);
    expect(bucket.available(1_000_000)).toBe(2);
  });

  it('admits a take per 1/rate seconds when the rate is below one per second', () => {
    const bucket = new TokenBucket({ ratePerSec: 0.5 });
    expect(bucket.tryTake(0)).toBe(true);
    expect(bucket.tryTake(1_999)).toBe(false);
    expect(bucket.tryTake(2_000)).toBe(true);
  });

  it('mints nothing when the clock steps back', () => {
    const bucket = new TokenBucket({ ratePerSec: 1, burst: 1 });
    expect(bucket.tryTake(10_000)).toBe(true);
    expect(bucket.tryTake(5_000)).toBe(false);
    expect(bucket.tryTake(10_500)).toBe(false);
    expect(bucket.tryTake(11_000)).toBe(true);
  });

  it('rejects a rate that is not positive', () => {
    expect(() => new TokenBucket({ ratePerSec: 0 })).toThrow(RangeError);
  });
});
