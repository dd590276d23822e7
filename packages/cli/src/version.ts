/**
 * The CLI's version: package.json's, copied here by scripts/sync-versions.mjs (run by `npm run
 * version` after `changeset version`; a test holds the two equal). A constant, not a read of
 * package.json: no file system at start, on any runtime (Deno's node:fs alone costs ~50 ms).
 */
const version = '0.1.0';

export function cliVersion(): string {
  return version;
}
