#!/usr/bin/env node
// CLI start-up times, interleaved so a noisy machine affects every row alike; prints medians.
// Usage: node scripts/startup-bench.mjs [--runs 15] [--runtimes node,bun,deno] [--bin path/to/bin.js ...]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    runtimes: { type: 'string', default: 'node,bun,deno' },
    bin: { type: 'string', multiple: true },
  },
});
const runs = Number(values.runs);
const bins = values.bin ?? [fileURLToPath(new URL('../dist/bin.js', import.meta.url))];
const runtimeArgs = { node: ['node'], bun: ['bun'], deno: ['deno', 'run', '-A', '--unstable-net'] };
const commands = [['--version'], ['--help'], ['inspect', '--proto', 'tcp', '--json']];

const rows = [{ label: 'ss -tanp', argv: ['ss', '-tanp'] }];
for (const runtime of values.runtimes.split(',')) {
  const [exe, ...pre] = runtimeArgs[runtime];
  rows.push({
    label: `${runtime} -e 0`,
    argv: runtime === 'deno' ? ['deno', 'eval', '0'] : [exe, '-e', '0'],
  });
  for (const [i, bin] of bins.entries())
    for (const args of commands)
      rows.push({
        label: `${runtime} ${bins.length > 1 ? `#${i} ` : ''}${args.join(' ')}`,
        argv: [exe, ...pre, bin, ...args],
      });
}

const times = rows.map(() => []);
for (let run = 0; run < runs + 1; run++) {
  const order = run % 2 === 0 ? rows.map((_, i) => i) : rows.map((_, i) => rows.length - 1 - i);
  for (const i of order) {
    const [exe, ...args] = rows[i].argv;
    const start = performance.now();
    const result = spawnSync(exe, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = performance.now() - start;
    if (result.status !== 0)
      throw new Error(`${rows[i].label}: exit ${result.status} ${result.stderr}`);
    if (run > 0) times[i].push(ms); // the first round only warms caches
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(times[0]);
console.log(`| command | median ms | × ss -tanp |\n|---|---:|---:|`);
for (const [i, row] of rows.entries())
  console.log(
    `| ${row.label} | ${median(times[i]).toFixed(1)} | ${(median(times[i]) / base).toFixed(2)} |`,
  );
