// `--timeout` bounds resolving and connecting together: the connect gets what the lookup left.
import { type Lookup, sleep } from '@socklab/core';
import { runCommandConformance } from '@socklab/core/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../src/index.ts';
import { unansweredListener } from './tcp-test-kit.ts';

describe('tcp client --timeout', () => {
  it('a slow lookup leaves the connect only the rest of the one deadline', async () => {
    const listener = await unansweredListener();
    try {
      // Answers after 60% of --timeout: a connect with its own full timeout would end near 1600 ms.
      const slow: Lookup = async (_, { signal }) => {
        await sleep(600, signal);
        return [{ address: '127.0.0.1', family: 4 }];
      };
      const started = performance.now();
      const result = await runCommandConformance(plugin, 'client', {
        options: { host: 'slow.test', port: String(listener.port), timeout: '1000' },
        context: { lookup: slow },
        expectError: 'ETIMEDOUT',
      });
      const elapsed = performance.now() - started;
      expect(result.problems).toEqual([]);
      expect(elapsed).toBeGreaterThanOrEqual(950);
      expect(elapsed).toBeLessThan(1350);
      expect(result.events.map((e) => e.type)).toEqual(['resolve', 'timeout']);
      expect(result.events[1]).toMatchObject({
        proto: 'tcp',
        remote: { address: '127.0.0.1', port: listener.port },
        code: 'ETIMEDOUT',
        durationMs: 1000,
        reason: 'timed out: no answer within 1000 ms',
      });
      expect((result.error as Error).message).toBe(
        `Cannot connect to tcp slow.test:${listener.port}: timed out: no answer within 1000 ms`,
      );
    } finally {
      listener.close();
    }
  });
});
