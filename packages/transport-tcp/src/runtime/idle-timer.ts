// Idle timeout for adapters whose runtime has no per-socket timeout in milliseconds
// (Bun.listen's is in seconds, Deno.listen has none). The data path only stamps `lastActive`;
// one timer per listener serves a heap of deadlines (lastActive + timeout, as last seen) and,
// when a deadline comes, either closes the connection or, if it was active since, moves its
// deadline on. A busy connection costs one heap step per timeout, an idle one closes within a
// timer tick, and no connection holds a runtime timer (under Deno one takes ~1.7 KB).

/** What IdleTimer needs of a connection. */
export interface IdleWatched {
  /** `performance.now()` of the last byte in or out (at first, the accept). */
  lastActive: number;
  /** Set by IdleTimer: the deadline last computed, and the place in its heap (-1: none). */
  idleDeadline: number;
  idleSlot: number;
  destroy(reason: string): void;
}

/** Closes each connection it watches with reason "idle timeout" after `timeout` ms idle. */
export class IdleTimer {
  private readonly heap: IdleWatched[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When `timer` fires. */
  private due = Number.POSITIVE_INFINITY;

  constructor(private readonly timeout: number) {}

  watch(connection: IdleWatched): void {
    connection.idleDeadline = connection.lastActive + this.timeout;
    connection.idleSlot = this.heap.length;
    this.heap.push(connection);
    this.up(connection.idleSlot);
    if (connection.idleDeadline < this.due) this.arm(connection.idleDeadline);
  }

  /** Stops watching: call it when the connection closes. */
  unwatch(connection: IdleWatched): void {
    const slot = connection.idleSlot;
    if (slot < 0) return;
    connection.idleSlot = -1;
    const last = this.heap.pop() as IdleWatched;
    if (last !== connection) {
      this.heap[slot] = last;
      last.idleSlot = slot;
      this.down(slot);
      this.up(last.idleSlot);
    }
    if (this.heap.length === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.due = Number.POSITIVE_INFINITY;
    }
  }

  private arm(at: number): void {
    clearTimeout(this.timer);
    this.due = at;
    // Timers may fire a fraction of a millisecond early: round up, never 0.
    this.timer = setTimeout(this.fire, Math.max(1, Math.ceil(at - performance.now())));
  }

  private readonly fire = () => {
    this.timer = undefined;
    this.due = Number.POSITIVE_INFINITY;
    const now = performance.now();
    for (let first = this.heap[0]; first && first.idleDeadline <= now; first = this.heap[0]) {
      const deadline = first.lastActive + this.timeout;
      if (deadline > now) {
        first.idleDeadline = deadline;
        this.down(0);
      } else {
        // Out of the heap before destroy(), which may report the close at once.
        this.unwatch(first);
        first.destroy('idle timeout');
      }
    }
    const next = this.heap[0];
    if (next && this.timer === undefined) this.arm(next.idleDeadline);
  };

  private up(slot: number): void {
    const { heap } = this;
    const moving = heap[slot] as IdleWatched;
    while (slot > 0) {
      const parentSlot = (slot - 1) >> 1;
      const parent = heap[parentSlot] as IdleWatched;
      if (parent.idleDeadline <= moving.idleDeadline) break;
      heap[slot] = parent;
      parent.idleSlot = slot;
      slot = parentSlot;
    }
    heap[slot] = moving;
    moving.idleSlot = slot;
  }

  private down(slot: number): void {
    const { heap } = this;
    const moving = heap[slot] as IdleWatched;
    for (;;) {
      let child = 2 * slot + 1;
      if (child >= heap.length) break;
      const right = heap[child + 1];
      if (right && right.idleDeadline < (heap[child] as IdleWatched).idleDeadline) child++;
      const smaller = heap[child] as IdleWatched;
      if (smaller.idleDeadline >= moving.idleDeadline) break;
      heap[slot] = smaller;
      smaller.idleSlot = slot;
      slot = child;
    }
    heap[slot] = moving;
    moving.idleSlot = slot;
  }
}
