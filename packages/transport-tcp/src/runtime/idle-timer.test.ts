import { describe, expect, it } from 'vitest';
import { IdleTimer, type IdleWatched } from './idle-timer.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Watched extends IdleWatched {
  closedAt?: number;
  reason?: string;
}

function connection(): Watched {
  return {
    lastActive: performance.now(),
    idleDeadline: 0,
    idleSlot: -1,
    destroy(reason) {
      this.closedAt = performance.now();
      this.reason = reason;
    },
  };
}

describe('IdleTimer', () => {
  it('closes each connection on time after its own last activity, in any order', async () => {
    const timeout = 200;
    const idle = new IdleTimer(timeout);
    // Activity spread so that deadlines come in an order unlike the order of watch().
    const activeFor = [0, 330, 60, 280, 150, 15, 380, 100, 230, 0, 180, 50];
    const all = activeFor.map(() => connection());
    for (const watched of all) idle.watch(watched);
    const started = performance.now();
    while (performance.now() - started < 400) {
      const now = performance.now();
      all.forEach((watched, i) => {
        if (now - started < (activeFor[i] as number)) watched.lastActive = now;
      });
      await sleep(5);
    }
    await sleep(timeout + 20);
    for (const watched of all) {
      expect(watched.reason).toBe('idle timeout');
      const late = (watched.closedAt as number) - watched.lastActive - timeout;
      // As in the conformance suite: a loaded test machine may run a timer a little late.
      expect(late).toBeGreaterThanOrEqual(0);
      expect(late).toBeLessThan(timeout * 0.15);
    }
  });

  it('forgets unwatched connections, wherever they sit in the heap', async () => {
    const idle = new IdleTimer(60);
    const all = Array.from({ length: 9 }, () => connection());
    for (const watched of all) idle.watch(watched);
    const gone = [all[0], all[4], all[8]] as Watched[];
    for (const watched of gone) idle.unwatch(watched);
    idle.unwatch(all[0] as Watched);
    await sleep(100);
    for (const watched of all)
      expect(watched.reason).toBe(gone.includes(watched) ? undefined : 'idle timeout');
  });
});
