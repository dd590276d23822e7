/**
 * Events pushed from socket callbacks, pulled by an async generator. Pushes marked droppable
 * (per-connection and per-chunk events) are counted and dropped instead while `limit` events
 * wait: a consumer that stops pulling (stdout piped to a slow reader) must not grow memory
 * without bound.
 */
export class EventQueue<T> {
  private items: T[] = [];
  private head = 0;
  private wakeUp: (() => void) | undefined;
  /** Droppable events dropped since the last takeDropped(). */
  private droppedCount = 0;

  constructor(readonly limit = Number.POSITIVE_INFINITY) {}

  push(item: T, droppable = false): void {
    if (droppable && this.items.length - this.head >= this.limit) this.droppedCount++;
    else this.items.push(item);
    this.wake();
  }

  /** How many droppable events were dropped since the last call; resets the count. */
  takeDropped(): number {
    const count = this.droppedCount;
    this.droppedCount = 0;
    return count;
  }

  shift(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head] as T;
    this.items[this.head++] = undefined as T;
    // Reset once drained, so a long run neither grows the array nor keeps old events alive.
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    }
    return item;
  }

  /** Resolves on the next push or wake() (at once if items are waiting). */
  wait(): Promise<void> {
    if (this.head < this.items.length) return Promise.resolve();
    return new Promise((resolve) => {
      this.wakeUp = resolve;
    });
  }

  wake(): void {
    const wakeUp = this.wakeUp;
    this.wakeUp = undefined;
    wakeUp?.();
  }
}
