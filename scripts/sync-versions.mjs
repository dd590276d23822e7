// Copies each workspace package's package.json version into its jsr.json / deno.json, and into
// the `const version = '…'` line of its src/version.ts if it has one (the CLI), so they follow
// `changeset version`. Run by `npm run version`.
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
    const source = join(dir, 'src', 'version.ts');
    if (!existsSync(source)) continue;
    const text = readFileSync(source, 'utf8');
    const line = /^const version = '([^']*)';$/m;
    const found = line.exec(text);
    if (!found)
      throw new Error(
        `sync-versions: ${relative(root, source)} has no "const version = '…';" line`,
      );
    if (found[1] === version) continue;
    console.log(`sync-versions: ${relative(root, source)} ${found[1]} -> ${version}`);
    writeFileSync(source, text.replace(line, `const version = '${version}';`));
    changed++;
  }
}
console.log(`sync-versions: ${changed} file(s) updated`);
