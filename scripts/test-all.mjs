// `npm test` after the build: every workspace's suite on every runtime (one package at a time:
// the tests time real sockets and the machine has two cores), then the totals.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
rmSync(join(root, '.test-results'), { recursive: true, force: true });
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DENO_NO_UPDATE_CHECK: '1' };
const turbo = spawnSync(
  join(root, 'node_modules', '.bin', 'turbo'),
  ['run', 'test', '--concurrency=1', '--continue', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
    env,
  },
);
const summary = spawnSync(process.execPath, [join(root, 'scripts', 'test-summary.mjs')], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(turbo.status !== 0 ? turbo.status || 1 : (summary.status ?? 1));
