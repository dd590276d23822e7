// Times `ss -tanp` against the inspector as whole processes, interleaved, N rounds each
// (median and min wall time, peak RSS through /usr/bin/time). Start the load first, e.g.
//   node scripts/hold-connections.mjs 10000 &   (20,000 sockets; stop it with kill <pid>)
// Usage: node scripts/bench-local.mjs [rounds]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const rounds = Number(process.argv[2] ?? 7);
const bin = (name) => join(root, 'node_modules', '.bin', name);
const entry = join(here, 'inspect-json.mjs');
// The `socklab` command as Node runs it (package.json "bin").
const cli = join(root, 'packages', 'cli', 'bin', 'socklab.cjs');
const commands = {
  'ss -tanp': ['ss', ['-tanp']],
  'netstat -tanp': ['netstat', ['-tanp']],
  'inspector --proto tcp (node)': [process.execPath, [entry, '--proto', 'tcp']],
  'inspector --proto tcp (bun)': [bin('bun'), [entry, '--proto', 'tcp']],
  'inspector --proto tcp (deno)': [bin('deno'), ['run', '-A', entry, '--proto', 'tcp']],
  'inspector all protocols (node)': [process.execPath, [entry]],
};
if (existsSync(cli))
  commands['socklab inspect --proto tcp --json (node)'] = [
    process.execPath,
    [cli, 'inspect', '--proto', 'tcp', '--json'],
  ];
if (process.argv.includes('--lsof')) commands['lsof -i -n -P'] = ['lsof', ['-i', '-n', '-P']];
const time = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

const results = Object.fromEntries(Object.keys(commands).map((name) => [name, { ms: [], kb: [] }]));
for (let round = 0; round < rounds; round++) {
  for (const [name, [file, args]] of Object.entries(commands)) {
    const argv = time ? [time, ['-f', '%M', file, ...args]] : [file, args];
    const started = performance.now();
    const run = spawnSync(argv[0], argv[1], {
      stdio: ['ignore', 'ignore', 'pipe'],
      // As in bench/: without NODE_EXTRA_CA_CERTS, which costs every Node start ~70 ms.
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NODE_EXTRA_CA_CERTS: undefined },
    });
    const ms = performance.now() - started;
    if (run.status !== 0) {
      console.error(`${name} failed, left out: ${String(run.stderr).trim().split('\n')[0]}`);
      delete commands[name];
      delete results[name];
      continue;
    }
    results[name].ms.push(ms);
    const kb = Number(String(run.stderr).trim().split('\n').at(-1));
    if (Number.isFinite(kb)) results[name].kb.push(kb);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
if (process.env.BENCH_SAMPLES)
  for (const [name, { ms }] of Object.entries(results))
    console.log(name, ms.map((x) => x.toFixed(0)).join(' '));
const base = median(results['ss -tanp'].ms);
console.log(`${rounds} rounds, interleaved; ratio = median / median of ss -tanp`);
for (const [name, { ms, kb }] of Object.entries(results)) {
  console.log(
    `${name.padEnd(44)} median ${median(ms).toFixed(0).padStart(5)} ms  min ${Math.min(...ms)
      .toFixed(0)
      .padStart(5)} ms  ` +
      `x${(median(ms) / base).toFixed(2)}  peak ${kb.length ? (Math.max(...kb) / 1024).toFixed(0) : '?'} MB`,
  );
}
