import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The CLI's own version, read from its package.json (one level above src/ and dist/). */
export function cliVersion(): string {
  if (cached === undefined) {
    try {
      // Paths as strings: Deno's checker (JSR) sees DOM's and Node's URL types as different.
      const pkg = JSON.parse(
        readFileSync(fileURLToPath(new URL('../package.json', import.meta.url).href), 'utf8'),
      );
      cached = typeof pkg.version === 'string' ? pkg.version : 'unknown';
    } catch {
      cached = 'unknown';
    }
  }
  return cached as string;
}
