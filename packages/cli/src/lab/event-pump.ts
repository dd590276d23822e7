import type { LabEvent } from '@socklab/core';

/**
 * Reads a server's event stream in the background so the lab can drive a client meanwhile,
 * then hands the collected events over in order (`take`) or waits for one (`waitFor`).
 */
export class EventPump {
  private buffer: LabEvent[] = [];
  private seen: LabEvent[] = [];
  private wake: (() => void) | undefined;
  private failure: unknown;
  private ended = false;
  /** Settles when the stream has ended (never rejects: see `error`). */
  readonly finished: Promise<void>;

  constructor(events: AsyncIterable<LabEvent>) {
    this.finished = (async () => {
      try {
        for await (const event of events) {
          this.buffer.push(event);
          this.seen.push(event);
          this.notify();
        }
      } catch (error) {
        this.failure = error;
      } finally {
        this.ended = true;
        this.notify();
      }
    })();
  }

  /** The stream's error, if it failed. */
  get error(): unknown {
    return this.failure;
  }

  /** Events collected since the last call. */
  take(): LabEvent[] {
    const out = this.buffer;
    this.buffer = [];
    return out;
  }

  /** The first event (seen so far or later) matching `match`; rejects on end, failure or timeout. */
  async waitFor(
    match: (event: LabEvent) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<LabEvent> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.seen.find(match);
      if (found) return found;
      if (this.failure !== undefined) throw this.failure;
      if (this.ended) throw new Error(`the server stopped before ${what}`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
