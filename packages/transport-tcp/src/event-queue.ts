/** Events pushed from socket callbacks, pulled by an async generator. */
export class EventQueue<T> {
  private items: T[] = [];
  private head = 0;
  private wakeUp: (() => void) | undefined;

  push(item: T): void {
    this.items.push(item);
    this.wake();
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
