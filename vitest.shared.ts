import { defineConfig } from 'vitest/config';

// One config for every package: real sockets and processes need forks and generous timeouts.
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default'],
  },
});
