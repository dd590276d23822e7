import { readFileSync } from 'node:fs';

/** A parser fixture's text (tests only). */
export function readFixture(name: string): string {
  return readFileSync(new URL(`../src/parsers/fixtures/${name}`, import.meta.url), 'utf8');
}
