import { readFileSync } from 'node:fs';

/** A parser fixture's text (tests only). */
export function readFixture(name: string): string {
  return readFileSync(fixtureURL(name), 'utf8');
}

/** A binary fixture's bytes (tests only). */
export function readFixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(fixtureURL(name)));
}

function fixtureURL(name: string): URL {
  return new URL(`../src/parsers/fixtures/${name}`, import.meta.url);
}
