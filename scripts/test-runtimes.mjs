// Runs the current package's vitest suite on Node, then Bun, then Deno (SOCKLAB_RUNTIMES
// narrows the list, e.g. "node,bun"). Exits non-zero when any runtime fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const extra = process.argv.slice(2);
// Each run also writes vitest's JSON report, which scripts/test-summary.mjs totals at the end.
const pkg = JSON.parse(readFileSync('package.json', 'utf8'))
  .name.replace(/^@socklab\//, '')
  .replace(/[@/]/g, '_');
const reports = join(root, '.test-results');
mkdirSync(reports, { recursive: true });
const reporters = (name) => [
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${join(reports, `${pkg}.${name}.json`)}`,
];
const commands = {
  node: [process.execPath, [vitest, 'run', ...reporters('node'), ...extra]],
  bun: [bin('bun'), ['--bun', vitest, 'run', ...reporters('bun'), ...extra]],
  deno: [
    bin('deno'),
    ['run', '-A', '--unstable-net', vitest, 'run', ...reporters('deno'), ...extra],
  ],
};
const wanted = (process.env.SOCKLAB_RUNTIMES ?? 'node,bun,deno').split(',').filter(Boolean);
const env = { ...process.env, DENO_NO_UPDATE_CHECK: '1', TURBO_TELEMETRY_DISABLED: '1' };
const failed = [];
for (const name of wanted) {
  const command = commands[name];
  if (!command) {
    console.error(
      `test-runtimes: unknown runtime "${name}" in SOCKLAB_RUNTIMES (use node, bun, deno)`,
    );
    process.exit(2);
  }
  if (!existsSync(command[0])) {
    console.error(`test-runtimes: ${command[0]} is missing: run npm ci at the repository root`);
    process.exit(1);
  }
  console.log(`\n=== vitest on ${name} (${process.cwd().slice(root.length + 1) || '.'}) ===`);
  const result = spawnSync(command[0], command[1], { stdio: 'inherit', env });
  if (result.status !== 0) failed.push(`${name} (exit ${result.status ?? result.signal})`);
}
if (failed.length > 0) {
  console.error(`\ntest-runtimes: failed on ${failed.join(', ')}`);
  process.exit(1);
}
