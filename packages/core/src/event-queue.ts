import type { EventClock, LabEvent } from './events.ts';

/** How many events a server keeps waiting for a slow consumer before it drops droppable ones. */
export const eventBacklog = 4096;

export interface EventQueueOptions<T> {
  /**
   * Droppable items waiting before new droppable ones are dropped (and counted) instead of
   * queued. Default: no limit.
   */
  limit?: number;
  /** The item `for await` yields, once the queue has drained, to report `dropped` items. */
  notice?(dropped: number): T;
}

/**
 * Items pushed from socket callbacks for one consumer, which either pulls (`shift`, `wait`) or
 * iterates (`for await`, until `end` or `fail`). With a `limit`, droppable items (one per
 * connection event or datagram) are dropped and counted while `limit` items wait, so a consumer
 * that stalls (stdout piped to a reader that stopped) costs bounded memory; items pushed as not
 * droppable (a server's own notices, its summary) are always kept.
 */
export class EventQueue<T> implements AsyncIterable<T> {
  #items: T[] = [];
  #head = 0;
  #wake: (() => void) | undefined;
  #dropped = 0;
  #ended = false;
  #failed = false;
  #error: unknown;
  /** Droppable items dropped over the queue's life. */
  droppedTotal = 0;

  constructor(readonly options: EventQueueOptions<T> = {}) {}

  /** Items waiting. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Queues `item` (ignored once ended), or drops it when droppable and `limit` items wait. */
  push(item: T, droppable = false): void {
    if (this.#ended) return;
    if (droppable && this.size >= (this.options.limit ?? Number.POSITIVE_INFINITY)) {
      this.#dropped++;
      this.droppedTotal++;
    } else this.#items.push(item);
    this.wake();
  }

  /** The oldest waiting item, or undefined. */
  shift(): T | undefined {
    if (this.#head === this.#items.length) return undefined;
    const item = this.#items[this.#head] as T;
    this.#items[this.#head++] = undefined as T;
    // Drained: start over. Never drained: drop the consumed half now and then. Either way a
    // long run neither grows the array nor keeps old items alive.
    if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Items dropped since the last call (the count starts again at 0). */
  takeDropped(): number {
    const dropped = this.#dropped;
    this.#dropped = 0;
    return dropped;
  }

  /** Resolves on the next push, wake(), end() or fail(); at once if items are waiting. */
  wait(): Promise<void> {
    if (this.size > 0 || this.#ended) return Promise.resolve();
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  /** Lets a pending wait() resolve (the consumer has something else to look at). */
  wake(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** No more items: `for await` ends once the waiting ones are out. */
  end(): void {
    this.#ended = true;
    this.wake();
  }

  /** Like end(), then `for await` throws `error`. */
  fail(error: unknown): void {
    if (this.#ended) return;
    this.#error = error;
    this.#failed = true;
    this.end();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      for (let item = this.shift(); item !== undefined; item = this.shift()) yield item;
      const dropped = this.options.notice ? this.takeDropped() : 0;
      if (dropped > 0) {
        yield (this.options.notice as (dropped: number) => T)(dropped);
        continue;
      }
      if (this.#failed) throw this.#error;
      if (this.#ended) return;
      await this.wait();
    }
  }
}

/** What a server yields after dropping `dropped` events for a consumer that fell behind. */
export function droppedEventsNotice(
  event: EventClock,
  proto: string,
  dropped: number,
  limit: number = eventBacklog,
): LabEvent {
  return event('info', {
    proto,
    notice: true,
    details: { droppedEvents: dropped },
    message: `Output too slow: dropped ${dropped} event${dropped === 1 ? '' : 's'} (${limit} were waiting); the summary's counts stay exact`,
  });
}
