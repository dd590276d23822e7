// `npm start`: bring dist up to date (tsc -b rebuilds only what changed), then run socklab in
// this same process so the terminal, Ctrl-C and the exit code belong to it.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const build = spawnSync(process.execPath, [tsc, '-b'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('socklab: the build failed (see above); fix it, then run npm start again');
  process.exit(1);
}
await import(pathToFileURL(join(root, 'packages', 'cli', 'dist', 'bin.js')).href);
