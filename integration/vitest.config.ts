import { defineConfig } from 'vitest/config';
import shared from '../vitest.shared.ts';

// Cross-package suites: packaging and conformance (test/), faults and floods (faults/), and
// the malformed-invocation table (bad-input/).
export default defineConfig({
  test: {
    ...shared.test,
    include: ['test/**/*.test.ts', 'faults/**/*.test.ts', 'bad-input/**/*.test.ts'],
  },
});
