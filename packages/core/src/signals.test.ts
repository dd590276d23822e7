import { describe, expect, it } from 'vitest';
import {
  abortPromise,
  anySignal,
  isTimeoutReason,
  onAbort,
  sleep,
  withTimeout,
} from './signals.ts';

describe('signals', () => {
  it('anySignal fires when any given signal does and skips undefined ones', () => {
    const a = new AbortController();
    const b = new AbortController();
    const both = anySignal(a.signal, undefined, b.signal);
    expect(both.aborted).toBe(false);
    b.abort(new Error('stop'));
    expect(both.aborted).toBe(true);
    expect((both.reason as Error).message).toBe('stop');
    expect(anySignal(a.signal)).toBe(a.signal);
    expect(anySignal().aborted).toBe(false);
  });

  it('withTimeout adds a deadline, reported as a timeout', async () => {
    const signal = withTimeout(undefined, 10);
    await expect(sleep(5_000, signal)).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(isTimeoutReason(signal.reason)).toBe(true);
    const parent = new AbortController();
    const linked = withTimeout(parent.signal, 0);
    parent.abort();
    expect(linked.aborted).toBe(true);
    expect(isTimeoutReason(linked.reason)).toBe(false);
  });

  it('sleep resolves after the delay and rejects at once on an aborted signal', async () => {
    const start = performance.now();
    await sleep(20);
    expect(performance.now() - start).toBeGreaterThanOrEqual(15);
    const aborted = AbortSignal.abort(new Error('gone'));
    await expect(sleep(10, aborted)).rejects.toThrow('gone');
  });

  it('clamps delays longer than timers support instead of firing at once or throwing', async () => {
    const controller = new AbortController();
    const signal = withTimeout(controller.signal, 2 ** 32);
    const slept = sleep(2 ** 32, signal).catch((error: unknown) => error);
    await sleep(30);
    expect(signal.aborted).toBe(false);
    controller.abort(new Error('done'));
    expect(((await slept) as Error).message).toBe('done');
  });

  it('abortPromise rejects with the reason', async () => {
    const controller = new AbortController();
    const promise = abortPromise(controller.signal);
    controller.abort(new Error('bye'));
    await expect(promise).rejects.toThrow('bye');
    await expect(abortPromise(AbortSignal.abort(new Error('now')))).rejects.toThrow('now');
  });

  it('onAbort runs cleanup once, at once when already aborted, and can be detached', () => {
    const controller = new AbortController();
    let runs = 0;
    onAbort(controller.signal, () => runs++);
    const detach = onAbort(controller.signal, () => runs++);
    detach();
    controller.abort();
    controller.abort();
    expect(runs).toBe(1);
    onAbort(controller.signal, () => runs++);
    expect(runs).toBe(2);
  });
});
