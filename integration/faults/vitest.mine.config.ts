// Runs only the fault and bad-input suites (while integration/vitest.config.ts does not include them yet).
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      root: fileURLToPath(new URL('..', import.meta.url)),
      include: ['faults/**/*.test.ts', 'bad-input/**/*.test.ts'],
    },
  }),
);
