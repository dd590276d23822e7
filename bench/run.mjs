#!/usr/bin/env node
// `npm run bench`: socklab against the raw runtimes and the classic tools, same-run ratios.
// Logs go to stderr; the markdown table to stdout and, with the JSON, to bench/results/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runClientCheck } from './client-check.mjs';
import { runColdStart } from './cold-start.mjs';
import { runInspect } from './inspect.mjs';
import { parseOptions } from './options.mjs';
import { killAll, removedEnv } from './processes.mjs';
import { renderMarkdown } from './report.mjs';
import { benchDir, cliBin, hasCommand, packageBin, runtimes, runtimeVersion } from './servers.mjs';
import { runIdleSection, runTcp } from './tcp.mjs';
import { runUdp } from './udp.mjs';

const options = parseOptions(process.argv.slice(2));
if (options.help) {
  console.log(options.help);
  process.exit(0);
}
if (options.error) {
  console.error(options.error);
  process.exit(2);
}
const { profile, sections } = options;
const started = Date.now();
const log = (line) =>
  console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(1);
}

if (!existsSync('/proc/self/task'))
  fail('needs Linux /proc (server CPU time and memory are read from it)');
const cc = hasCommand('cc');
if (!cc) fail('needs a C compiler as `cc` for the load client (apt-get install gcc)');
const missing = options.runtimes.filter((r) => !runtimes[r].cmd);
if (missing.length)
  fail(`runtime not installed in node_modules/.bin: ${missing.join(', ')} (run npm ci)`);

const tmp = mkdtempSync(join(tmpdir(), 'socklab-bench-'));
const result = {
  profile,
  sections,
  runtimes: options.runtimes,
  machine: machineInfo(),
  rows: [],
  clientCpu: [],
  clientCheck: null,
  inspectInfo: null,
  errors: [],
};
let finished = false;

function cleanUp() {
  killAll();
  rmSync(tmp, { recursive: true, force: true });
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    cleanUp();
    process.exit(130);
  });
}
// Bounded in time whatever happens: past the budget, report what we have and stop.
const watchdog = setTimeout(() => {
  result.errors.push(
    `stopped after the ${profile.budgetMs / 1000} s budget of a ${profile.name} run`,
  );
  finish(1);
}, profile.budgetMs);

function machineInfo() {
  const cpuModel = (() => {
    try {
      return (
        /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ??
        cpus()[0]?.model
      );
    } catch {
      return cpus()[0]?.model ?? 'unknown';
    }
  })();
  let kernel = 'unknown';
  try {
    kernel = execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim();
  } catch {}
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    nproc: cpus().length,
    cpu: cpuModel,
    kernel,
    removedEnv,
    versions: ['node', 'deno', 'bun'].map((r) => [
      r,
      runtimeVersion(r).replace(/^(deno|bun)\s*/, ''),
    ]),
  };
}

function finish(code) {
  if (finished) return;
  finished = true;
  clearTimeout(watchdog);
  cleanUp();
  result.elapsedSeconds = Math.round((Date.now() - started) / 1000);
  const markdown = renderMarkdown(result);
  const outDir = options.out ?? join(benchDir, 'results');
  mkdirSync(outDir, { recursive: true });
  const stamp = result.machine.date.replaceAll(':', '-');
  const name = `bench-${profile.name}-${stamp}`;
  writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(outDir, `${name}.md`), markdown);
  writeFileSync(join(outDir, `latest-${profile.name}.md`), markdown);
  process.stdout.write(markdown);
  log(`done in ${result.elapsedSeconds} s; results in ${join(outDir, name)}.{md,json}`);
  process.exit(code);
}

async function main() {
  log(
    `${profile.name} run: sections ${sections.join(',')}; runtimes ${options.runtimes.join(',')}`,
  );
  const bin = join(tmp, 'load-client');
  try {
    execFileSync(cc, ['-O2', '-o', bin, join(benchDir, 'load-client.c')], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  } catch {
    fail('cannot compile bench/load-client.c');
  }
  for (const bin of [cliBin, packageBin, join(dirname(cliBin), 'socklab-cli.cjs')]) {
    if (!existsSync(bin))
      result.errors.push(`${bin} is missing (npm run build): socklab rows are not measured`);
  }
  const ctx = { bin, profile, runtimes: options.runtimes, log, tmp, sections };
  // Inspector first: the TCP sections leave thousands of TIME_WAIT sockets behind for a minute.
  const plan = [
    ['inspect', () => runInspect(ctx)],
    ['start', () => runColdStart(ctx)],
    ['client', () => runClientCheck(ctx)],
    ['udp', () => runUdp(ctx)],
    ['tcp', () => runTcp(ctx)],
    ['idle', () => runIdleSection(ctx)],
  ];
  for (const [name, run] of plan) {
    const wanted =
      name === 'client'
        ? sections.includes('tcp') || sections.includes('udp')
        : sections.includes(name);
    if (!wanted) continue;
    try {
      const out = await run();
      if (name === 'client') result.clientCheck = out;
      else {
        result.rows.push(...out.rows);
        if (out.clientCpu) result.clientCpu.push(...out.clientCpu);
        if (out.info) result.inspectInfo = out.info;
      }
    } catch (e) {
      result.errors.push(`${name}: ${e.message}`);
      log(`${name} failed: ${e.stack ?? e.message}`);
    }
  }
  finish(result.errors.some((e) => !e.includes('is missing')) ? 1 : 0);
}

main().catch((e) => {
  result.errors.push(e.stack ?? String(e));
  finish(1);
});
