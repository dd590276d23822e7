import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The CLI's own version, read from its package.json (one level above src/ and dist/). */
export function cliVersion(): string {
  if (cached === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
      cached = typeof pkg.version === 'string' ? pkg.version : 'unknown';
    } catch {
      cached = 'unknown';
    }
  }
  return cached as string;
}
