// CLI cold start: `socklab --help` vs the runtime doing nothing, alternated per round.
import { spawnSync } from 'node:child_process';
import { benchEnv, timeCommand } from './processes.mjs';
import { runtimes } from './servers.mjs';
import { median, pairRatios, rotate, spread } from './stats.mjs';

export async function runColdStart(ctx) {
  const { profile: p, log } = ctx;
  const rows = [];
  for (const runtime of ctx.runtimes) {
    const r = runtimes[runtime];
    const help = { label: 'socklab --help', args: [...r.prefix, r.bin, '--help'] };
    const empty = { label: `${runtime} ${r.eval0.join(' ')}`, args: r.eval0 };
    const check = spawnSync(r.cmd, help.args, {
      encoding: 'utf8',
      timeout: 30_000,
      env: benchEnv,
    });
    const shown = `${check.stdout}${check.stderr}`;
    help.error =
      check.status !== 0
        ? `exit ${check.status ?? check.signal}`
        : /socklab/i.test(shown)
          ? null
          : 'printed no help';
    log(`cold start on ${runtime}${help.error ? ` (socklab --help: ${help.error})` : ''}`);
    const ms = { help: [], empty: [] };
    for (let round = 0; round < p.startReps; round++) {
      for (const t of rotate([help, empty], round)) {
        const res = await timeCommand(r.cmd, t.args, { timeoutMs: 30_000 });
        (t === help ? ms.help : ms.empty)[round] = res.code === 0 ? res.ms : Number.NaN;
      }
    }
    const ratio = spread(pairRatios(ms.help, ms.empty));
    const extra = median(ms.help.map((v, i) => v - ms.empty[i]));
    rows.push({
      section: 'start',
      runtime,
      subject: help.label,
      socklab: true,
      measure: 'cold start wall time',
      unit: 'ms',
      baseline: empty.label,
      baselineValue: median(ms.empty),
      value: median(ms.help),
      values: ms.help,
      ratio,
      goal: null,
      result: help.error ? 'n/a' : '—',
      note: help.error ?? (extra !== null ? `+${extra.toFixed(0)} ms over the bare runtime` : null),
    });
  }
  return { rows };
}
