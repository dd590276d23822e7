// Runs only the fault and bad-input suites: `vitest run --config faults/vitest.mine.config.ts`
// (integration/vitest.config.ts must also include them for `npm test`).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

export default defineConfig({
  test: {
    ...shared.test,
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['faults/**/*.test.ts', 'bad-input/**/*.test.ts'],
  },
});
