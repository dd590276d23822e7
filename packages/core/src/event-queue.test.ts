import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { droppedEventsNotice, EventQueue } from './event-queue.ts';
import { createEventClock } from './events.ts';

describe('EventQueue', () => {
  it('hands items out in order, pulled or iterated, and ends after the waiting ones', async () => {
    const queue = new EventQueue<number>();
    queue.push(1);
    queue.push(2);
    expect(queue.shift()).toBe(1);
    expect(queue.size).toBe(1);
    queue.push(3);
    queue.end();
    queue.push(4); // after end: ignored
    const seen: number[] = [];
    for await (const item of queue) seen.push(item);
    expect(seen).toEqual([2, 3]);
  });

  it('drops droppable items while `limit` wait, never the others, and reports once drained', async () => {
    const queue = new EventQueue<string>({ limit: 2, notice: (n) => `dropped ${n}` });
    for (const item of ['a', 'b', 'c', 'd']) queue.push(item, true);
    queue.push('summary'); // not droppable: kept beyond the limit
    queue.end();
    const seen: string[] = [];
    for await (const item of queue) seen.push(item);
    expect(seen).toEqual(['a', 'b', 'summary', 'dropped 2']);
    expect(queue.droppedTotal).toBe(2);
  });

  it('counts drops for a pulling consumer until it takes the count', () => {
    const queue = new EventQueue<number>({ limit: 1 });
    queue.push(1, true);
    queue.push(2, true);
    queue.push(3, true);
    expect(queue.takeDropped()).toBe(2);
    expect(queue.takeDropped()).toBe(0);
    expect(queue.shift()).toBe(1);
    queue.push(4, true);
    expect(queue.shift()).toBe(4);
    expect(queue.droppedTotal).toBe(2);
  });

  it('wakes a waiting consumer on push, wake() and end(); fail() ends the iteration with the error', async () => {
    const queue = new EventQueue<number>();
    let woken = 0;
    const waits = async () => {
      await queue.wait();
      woken++;
    };
    const first = waits();
    queue.push(1);
    await first;
    expect(queue.shift()).toBe(1);
    const second = waits();
    queue.wake();
    await second;
    expect(woken).toBe(2);
    const failing = new EventQueue<number>();
    failing.push(7);
    failing.fail(new Error('socket closed'));
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const item of failing) seen.push(item);
      })(),
    ).rejects.toThrow('socket closed');
    expect(seen).toEqual([7]);
  });

  it('behaves like a bounded FIFO whatever the pushes and pulls (model check)', () => {
    const step = fc.oneof(
      fc.record({ push: fc.nat(1000), droppable: fc.boolean() }),
      fc.constant({ shift: true as const }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(step, { maxLength: 300 }),
        (limit, steps) => {
          const queue = new EventQueue<number>({ limit });
          const model: number[] = [];
          let dropped = 0;
          for (const s of steps) {
            if ('shift' in s) expect(queue.shift()).toBe(model.shift());
            else if (s.droppable && model.length >= limit) dropped++;
            else model.push(s.push);
            if (!('shift' in s)) queue.push(s.push, s.droppable);
            expect(queue.size).toBe(model.length);
          }
          expect(queue.takeDropped()).toBe(dropped);
        },
      ),
    );
  });

  it('stays in order on a long run that never drains (its consumed slots are let go)', () => {
    const queue = new EventQueue<number>();
    let next = 0;
    let expected = 0;
    for (let i = 0; i < 20_000; i++) {
      queue.push(next++);
      queue.push(next++);
      expect(queue.shift()).toBe(expected++);
    }
    expect(queue.size).toBe(20_000);
    for (let item = queue.shift(); item !== undefined; item = queue.shift())
      expect(item).toBe(expected++);
    expect(expected).toBe(40_000);
  });
});

describe('droppedEventsNotice', () => {
  it('says how many events were dropped and that the summary stays exact', () => {
    const notice = droppedEventsNotice(createEventClock(), 'udp', 1, 4096);
    expect(notice).toMatchObject({
      type: 'info',
      proto: 'udp',
      notice: true,
      details: { droppedEvents: 1 },
      message:
        "Output too slow: dropped 1 event (4096 were waiting); the summary's counts stay exact",
    });
    expect(droppedEventsNotice(createEventClock(), 'tcp', 3).message).toContain('dropped 3 events');
  });
});
