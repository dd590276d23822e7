// Small statistics helpers: medians and per-pair ratio summaries.

export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** min / median / max of finite values, or null when there are none. */
export function spread(values) {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return null;
  return { min: Math.min(...v), median: median(v), max: Math.max(...v), n: v.length };
}

/** Per-repetition ratios a[i] / b[i] over the repetitions where both exist. */
export function pairRatios(a, b) {
  const out = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (Number.isFinite(a[i]) && Number.isFinite(b[i]) && b[i] > 0) out.push(a[i] / b[i]);
  }
  return out;
}

/** PASS / MISS for a median ratio against a goal like { op: '>=', value: 0.95 }. */
export function verdict(ratio, goal) {
  if (!goal) return '—';
  if (!ratio) return 'n/a';
  const ok = goal.op === '>=' ? ratio.median >= goal.value : ratio.median <= goal.value;
  return ok ? 'PASS' : 'MISS';
}

export function rotate(list, by) {
  if (list.length === 0) return list;
  const k = by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}
