/** What to do when the consumer falls behind: see EventQueue. */
export interface Backlog<T> {
  /** Droppable items waiting before new ones are dropped. */
  limit: number;
  /** The item that reports `dropped` items, yielded once the queue has drained. */
  notice(dropped: number): T;
}

/**
 * Items pushed from callbacks, consumed with `for await`; ends (or fails) once. With a backlog,
 * droppable items (one per datagram) are dropped and counted while `limit` items wait, so a
 * consumer that stalls (stdout piped to a reader that stopped) costs bounded memory.
 */
export class EventQueue<T> implements AsyncIterable<T> {
  #items: T[] = [];
  #head = 0;
  #ended = false;
  #error: unknown;
  #failed = false;
  #wake: (() => void) | undefined;
  #dropped = 0;
  /** Droppable items dropped over the queue's life. */
  droppedTotal = 0;

  constructor(readonly backlog?: Backlog<T>) {}

  push(item: T, droppable = false): void {
    if (this.#ended) return;
    if (droppable && this.backlog && this.#items.length - this.#head >= this.backlog.limit) {
      this.#dropped++;
      this.droppedTotal++;
      return;
    }
    this.#items.push(item);
    this.#notify();
  }

  end(): void {
    this.#ended = true;
    this.#notify();
  }

  fail(error: unknown): void {
    if (this.#ended) return;
    this.#error = error;
    this.#failed = true;
    this.end();
  }

  get ended(): boolean {
    return this.#ended;
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      while (this.#head < this.#items.length) {
        const item = this.#items[this.#head] as T;
        this.#items[this.#head++] = undefined as T;
        // Drop consumed slots now and then so a long run does not keep them all.
        if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
          this.#items = this.#items.slice(this.#head);
          this.#head = 0;
        }
        yield item;
      }
      if (this.#dropped > 0 && this.backlog) {
        const dropped = this.#dropped;
        this.#dropped = 0;
        yield this.backlog.notice(dropped);
        continue;
      }
      if (this.#failed) throw this.#error;
      if (this.#ended) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }
}
