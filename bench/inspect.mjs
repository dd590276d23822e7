// Inspector: with many established loopback connections held open by helper processes,
// wall time and peak RSS of `socklab inspect` vs ss, netstat and lsof, rotated per round.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  benchEnv,
  startInteractiveClient,
  startServer,
  stopGroup,
  timeCommand,
} from './processes.mjs';
import { cServer, hasCommand, runtimes } from './servers.mjs';
import { median, pairRatios, rotate, spread, verdict } from './stats.mjs';

function tcpSocketCount() {
  let n = 0;
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      n += readFileSync(f, 'utf8').split('\n').filter(Boolean).length - 1;
    } catch {}
  }
  return n;
}

/** socklab must print a JSON array with the sockets we hold before its timings mean anything. */
function checkSocklab(tool, expect) {
  const r = spawnSync(tool.cmd, tool.args, {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    timeout: 60_000,
    env: benchEnv,
  });
  if (r.status !== 0)
    return `exit ${r.status ?? r.signal}: ${(r.stderr || '').trim().split('\n')[0] ?? ''}`;
  let list;
  try {
    list = JSON.parse(r.stdout);
  } catch {
    return 'did not print a JSON array';
  }
  if (!Array.isArray(list)) return 'did not print a JSON array';
  const established = list.filter(
    (e) => e.proto?.startsWith('tcp') && e.state === 'ESTABLISHED',
  ).length;
  if (established < expect)
    return `saw ${established} established tcp sockets, expected at least ${expect}`;
  return null;
}

/**
 * TCP sockets an earlier run left (a TCP bench just before leaves thousands in TIME_WAIT for
 * 60 s) would be listed beside the held ones and change what every tool does: wait them out,
 * at most 70 s. Returns how many are left.
 */
async function settleSockets(log, limit) {
  let left = tcpSocketCount();
  if (left <= limit) return left;
  log(`inspect: ${left} TCP sockets open before the holder starts; waiting for them to close`);
  const deadline = Date.now() + 70_000;
  while (left > limit && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    left = tcpSocketCount();
  }
  if (left > limit) log(`inspect: still ${left} TCP sockets open; measuring with them`);
  return left;
}

export async function runInspect(ctx) {
  const { bin, profile: p, log, tmp } = ctx;
  const n = p.inspectConns;
  await settleSockets(log, Math.max(1000, n / 5));
  log(`inspect: holding ${n} loopback connections (${2 * n} sockets)`);
  const holder = await startServer(cServer(bin, 'tcp'));
  const client = startInteractiveClient(bin, ['idle', holder.port, n, 256, 600_000]);
  const rows = [];
  let info = {};
  try {
    const open = await client.next(90_000);
    if (open.ok !== n) throw new Error(`only ${open.ok} of ${n} connections opened`);
    info = { held: n, tcpSockets: tcpSocketCount() };
    const tools = [];
    for (const [i, runtime] of ctx.runtimes.entries()) {
      const r = runtimes[runtime];
      const base = { runtime, cmd: r.cmd, socklab: true };
      tools.push({
        ...base,
        id: `tcp-${runtime}`,
        label: 'socklab inspect --proto tcp --json',
        args: [...r.prefix, r.bin, 'inspect', '--proto', 'tcp', '--json'],
        goal: { op: '<=', value: 1.0 },
      });
      if (i > 0 && !p.inspectFullEveryRuntime) continue;
      tools.push({
        ...base,
        id: `all-${runtime}`,
        label: 'socklab inspect --json (all protocols)',
        args: [...r.prefix, r.bin, 'inspect', '--json'],
        goal: null,
      });
    }
    // The full snapshot's own exit code is checked on every run; the JSON check once per runtime.
    for (const t of tools.filter((t) => t.id.startsWith('tcp-'))) {
      t.error = checkSocklab(t, n);
      if (t.error) log(`  ${t.runtime} ${t.label}: ${t.error}`);
    }
    for (const t of tools.filter((t) => t.id.startsWith('all-')))
      t.error = tools.find((x) => x.id === `tcp-${t.runtime}`).error;
    const ss = hasCommand('ss');
    const classic = [
      ss && { id: 'ss', runtime: '—', label: 'ss -tanp', cmd: ss, args: ['-tanp'] },
      hasCommand('netstat') && {
        id: 'netstat',
        runtime: '—',
        label: 'netstat -tanp',
        cmd: hasCommand('netstat'),
        args: ['-tanp'],
      },
      p.inspectLsof &&
        hasCommand('lsof') && {
          id: 'lsof',
          runtime: '—',
          label: 'lsof -i -n -P',
          cmd: hasCommand('lsof'),
          args: ['-i', '-n', '-P'],
        },
    ].filter(Boolean);
    const all = [...tools.filter((t) => !t.error), ...classic];
    const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
    const results = Object.fromEntries(
      [...tools, ...classic].map((t) => [t.id, { ms: [], peakKiB: [], notes: new Set() }]),
    );
    for (let round = 0; round < p.inspectRounds; round++) {
      for (const t of rotate(all, round)) {
        const r = await timeCommand(t.cmd, t.args, {
          timeoutMs: 60_000,
          timeBin,
          outFile: join(tmp, `time-${t.id}.txt`),
        });
        const ok = r.code === 0;
        if (!ok) results[t.id].notes.add(`exit ${r.code ?? r.signal}: ${r.stderr.split('\n')[0]}`);
        results[t.id].ms[round] = ok ? r.ms : Number.NaN;
        results[t.id].peakKiB[round] = ok ? r.peakKiB : Number.NaN;
      }
      log(`  round ${round + 1}/${p.inspectRounds}`);
    }
    const base = results.ss;
    for (const t of [...tools, ...classic]) {
      if (t.id === 'ss') continue;
      const res = results[t.id];
      for (const [key, name, unit, goal] of [
        ['ms', 'wall time', 'ms', t.goal ?? null],
        ['peakKiB', 'peak RSS', 'KiB', null],
      ]) {
        const ratio = base ? spread(pairRatios(res[key], base[key])) : null;
        rows.push({
          section: 'inspect',
          runtime: t.runtime,
          subject: t.label,
          socklab: Boolean(t.socklab),
          measure: name,
          unit,
          baseline: 'ss -tanp',
          baselineValue: base ? median(base[key]) : null,
          value: median(res[key]),
          values: res[key],
          ratio,
          goal,
          result: t.error ? 'n/a' : verdict(ratio, goal),
          note: t.error ?? ([...res.notes][0] || null),
        });
      }
    }
    if (base) info.ss = { ms: median(base.ms), peakKiB: median(base.peakKiB) };
  } finally {
    await client.close();
    await stopGroup(holder.child);
  }
  return { rows, info };
}
