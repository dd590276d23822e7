// The bench method in one place: each repetition starts fresh servers (baselines and socklab
// together), rotates which one goes first, warms all of them, then measures each in that order.
import { cpuNs, startServer, stopGroup } from './processes.mjs';
import { median, pairRatios, rotate, spread, verdict } from './stats.mjs';

/**
 * members: server specs. measures: [{ id, run(server) -> metrics object }].
 * Returns one entry per member: { spec, error, notes, runs: { [measureId]: metrics[] by rep } }.
 */
export async function runGroup({ members, reps, warm, measures, log }) {
  const state = members.map((spec) => ({ spec, error: null, notes: new Set(), runs: {} }));
  for (let rep = 0; rep < reps; rep++) {
    const started = await Promise.all(
      state
        .filter((m) => !m.error && rep < (m.spec.maxReps ?? reps))
        .map(async (m) => {
          try {
            // One retry: a teammate's rebuild or a busy machine must not drop a whole row.
            return { m, server: await startServer(m.spec).catch(() => startServer(m.spec)) };
          } catch (e) {
            m.error = e.message; // not runnable (yet): reported, and skipped from now on
            log(`  ${m.spec.label}: ${e.message}`);
            return null;
          }
        }),
    );
    const order = rotate(started.filter(Boolean), rep);
    try {
      for (const { m, server } of order) {
        try {
          await warm(server);
        } catch (e) {
          m.notes.add(`warm-up: ${e.message}`);
        }
      }
      for (const measure of measures) {
        for (const { m, server } of order) {
          let metrics = null;
          if (server.child.exitCode !== null || server.child.signalCode !== null) {
            m.notes.add(`server died: ${server.stderrTail().split('\n').pop()}`);
          } else {
            try {
              metrics = await measure.run(server, m.spec);
            } catch (e) {
              m.notes.add(`${measure.id}: ${e.message}`);
            }
          }
          m.runs[measure.id] ??= [];
          m.runs[measure.id][rep] = metrics;
        }
      }
    } finally {
      await Promise.all(order.map(({ server }) => stopGroup(server.child)));
    }
    log(`  rep ${rep + 1}/${reps}: ${order.map(({ m }) => m.spec.label).join(' → ')}`);
  }
  return state;
}

/** Runs fn and adds the server's CPU time (ns, all threads) spent meanwhile. */
export async function withServerCpu(server, fn) {
  const before = cpuNs(server.pid);
  const result = await fn();
  return { ...result, serverCpuNs: cpuNs(server.pid) - before };
}

const values = (member, def) =>
  (member.runs[def.measure] ?? []).map((metrics) =>
    metrics ? (metrics[def.key] ?? Number.NaN) : Number.NaN,
  );

/**
 * Table rows comparing each socklab member (and each reference tool) with the raw baseline:
 * for Deno, of two baselines the one with the better median for that metric.
 */
export function compareRows({ section, runtime, state, metrics }) {
  const raws = state.filter((m) => m.spec.id.startsWith('raw'));
  const rows = [];
  for (const def of metrics) {
    const better = (a, b) => (def.higherIsBetter ? a > b : a < b);
    let base = null;
    for (const r of raws) {
      const med = median(values(r, def));
      if (med !== null && (base === null || better(med, base.median)))
        base = { member: r, median: med };
    }
    for (const m of state) {
      // The other raw baseline (Deno has two) is shown against the chosen one, for reference.
      if (m.spec.id.startsWith('raw') && (raws.length < 2 || m === base?.member)) continue;
      if (def.only && !def.only(m.spec)) continue;
      const own = values(m, def);
      const ratios = base ? pairRatios(own, values(base.member, def)) : [];
      const ratio = spread(ratios);
      const goal = m.spec.socklab && !m.spec.noGoal ? (def.goal ?? null) : null;
      rows.push({
        section,
        runtime,
        subject: m.spec.label,
        socklab: Boolean(m.spec.socklab),
        measure: def.name,
        unit: def.unit,
        baseline: base ? base.member.spec.label : (raws[0]?.spec.label ?? null),
        baselineValue: base ? base.median : null,
        baselineError: base ? null : (raws[0]?.error ?? null),
        value: median(own),
        values: own,
        ratio,
        goal,
        result: m.error && ratio === null ? 'n/a' : verdict(ratio, goal),
        note: m.error ?? ([...m.notes][0] || null),
      });
    }
  }
  return rows;
}
