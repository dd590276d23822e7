import { describe, expect, it } from 'vitest';
import { rttStats } from './rtt-stats.ts';

describe('rttStats', () => {
  it('gives nearest-rank min, median, p99 and max', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(rttStats(samples)).toEqual({
      count: 100,
      minMs: 1,
      medianMs: 50,
      p99Ms: 99,
      maxMs: 100,
      meanMs: 50.5,
    });
  });

  it('handles one sample', () => {
    expect(rttStats([0.25])).toMatchObject({ minMs: 0.25, medianMs: 0.25, p99Ms: 0.25 });
  });
});
