// Copies each workspace package's package.json version into its jsr.json / deno.json, so the
// JSR manifests follow `changeset version`. Run by `npm run version`.
// Usage: node scripts/sync-versions.mjs [repo-root]; prints what changed.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
let changed = 0;
for (const group of ['packages', 'examples']) {
  const groupDir = join(root, group);
  if (!existsSync(groupDir)) continue;
  for (const name of readdirSync(groupDir).sort()) {
    const dir = join(groupDir, name);
    if (!existsSync(join(dir, 'package.json'))) continue;
    const { version } = readJson(join(dir, 'package.json'));
    for (const manifest of ['jsr.json', 'deno.json']) {
      const file = join(dir, manifest);
      if (!existsSync(file)) continue;
      const json = readJson(file);
      if (json.version === version) continue;
      console.log(
        `sync-versions: ${relative(root, file)} ${json.version ?? '(none)'} -> ${version}`,
      );
      json.version = version;
      writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
      changed++;
    }
  }
}
console.log(`sync-versions: ${changed} manifest(s) updated`);
