/** Round-trip time summary, milliseconds. */
export interface RttStats {
  count: number;
  minMs: number;
  medianMs: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

/** Nearest-rank percentiles over the samples (sorts a copy). */
export function rttStats(samples: readonly number[]): RttStats {
  const sorted = Float64Array.from(samples).sort();
  const count = sorted.length;
  const rank = (p: number) =>
    sorted[Math.min(count - 1, Math.max(0, Math.ceil(p * count) - 1))] ?? 0;
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  let sum = 0;
  for (const sample of sorted) sum += sample;
  return {
    count,
    minMs: round(sorted[0] ?? 0),
    medianMs: round(rank(0.5)),
    p99Ms: round(rank(0.99)),
    maxMs: round(sorted[count - 1] ?? 0),
    meanMs: round(count ? sum / count : 0),
  };
}
