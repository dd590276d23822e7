import { describe, expect, it } from 'vitest';
import { detectRuntime } from './runtime.ts';

describe('detectRuntime', () => {
  it('names the runtime this test runs on', () => {
    const g = globalThis as { Bun?: unknown; Deno?: unknown };
    const expected = g.Bun ? 'bun' : g.Deno ? 'deno' : 'node';
    const info = detectRuntime();
    expect(info.name).toBe(expected);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
