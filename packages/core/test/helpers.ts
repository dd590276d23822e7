// Helpers shared by the core tests: property-run counts and UsageError checks.
import { expect } from 'vitest';
import { UsageError } from '../src/errors.ts';

/** fast-check runs per property: many more under `npm run test:stress`. */
export const numRuns: number = process.env.SOCKLAB_STRESS ? 10_000 : 300;

/** Runs fn and returns the UsageError it throws (fails the test on anything else). */
export function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a UsageError, nothing was thrown');
}
