// tsc keeps `./x.ts` specifiers in emitted .d.ts files (microsoft/TypeScript#61037). tsc reads
// them, but Deno's type checker and some editors do not: rewrite them to `./x.js` in dist.
// Usage: node fix-dts-extensions.mjs [distDir] (default: ./dist of the current package).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const dist = resolve(process.argv[2] ?? 'dist');
const specifier = /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+?)\.ts(['"])/g;
let changed = 0;
for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
  const file = join(entry.parentPath ?? entry.path, entry.name);
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(specifier, '$1$2.js$3');
  if (fixed !== text) {
    writeFileSync(file, fixed);
    changed++;
  }
}
console.error(`fix-dts-extensions: ${changed} declaration file(s) rewritten in ${dist}`);
