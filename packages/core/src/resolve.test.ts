import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numRuns } from '../test/helpers.ts';
import { SocketError } from './errors.ts';
import type { Lookup } from './plugin.ts';
import { resolveAddresses } from './resolve.ts';

type Answer = { address: string; family: 4 | 6 };
const answering =
  (answers: Answer[]): Lookup =>
  async () =>
    answers;

describe('resolveAddresses', () => {
  it('returns a literal as it is, without asking the resolver', async () => {
    const asked: string[] = [];
    const lookup: Lookup = async (host) => {
      asked.push(host);
      return [];
    };
    expect(await resolveAddresses('127.0.0.1', lookup)).toEqual(['127.0.0.1']);
    expect(await resolveAddresses('::1', lookup)).toEqual(['::1']);
    expect(asked).toEqual([]);
  });

  it('puts IPv4 first, keeps each family in the order given, and drops repeats', async () => {
    const lookup = answering([
      { address: '::1', family: 6 },
      { address: '127.0.0.2', family: 4 },
      { address: 'fe80::1', family: 6 },
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ]);
    expect(await resolveAddresses('dual.test', lookup)).toEqual([
      '127.0.0.2',
      '127.0.0.1',
      '::1',
      'fe80::1',
    ]);
  });

  it('orders any answer IPv4 first without losing or adding an address', async () => {
    const v4 = fc.ipV4().map((address) => ({ address, family: 4 as const }));
    const v6 = fc.ipV6().map((address) => ({ address, family: 6 as const }));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(v4, v6), { minLength: 1, maxLength: 8 }), async (all) => {
        const got = await resolveAddresses('name.test', answering(all));
        expect(new Set(got)).toEqual(new Set(all.map((a) => a.address)));
        expect(got.length).toBe(new Set(got).size);
        const firstV6 = got.findIndex((a) => a.includes(':'));
        if (firstV6 >= 0) expect(got.slice(firstV6).every((a) => a.includes(':'))).toBe(true);
      }),
      { numRuns },
    );
  });

  it('says which host is unknown, with a hint, when the resolver fails or finds nothing', async () => {
    const failing: Lookup = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.test'), { code: 'ENOTFOUND' });
    };
    for (const lookup of [failing, answering([])]) {
      const error = await resolveAddresses('nowhere.test', lookup).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SocketError);
      expect(error).toMatchObject({
        code: 'ENOTFOUND',
        message: 'Cannot resolve host nowhere.test: unknown host',
        hint: 'check the spelling, or use an IP address such as 127.0.0.1',
      });
    }
  });

  it("keeps a resolver's code core knows (a DNS timeout is no unknown host)", async () => {
    const slow: Lookup = async () => {
      throw Object.assign(new Error('queryA ETIMEOUT'), { code: 'ETIMEDOUT' });
    };
    await expect(resolveAddresses('slow.test', slow)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    const odd: Lookup = async () => {
      throw new TypeError('resolver broke');
    };
    await expect(resolveAddresses('odd.test', odd)).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it("rethrows the signal's reason when aborted, not an unknown host", async () => {
    const controller = new AbortController();
    const lookup: Lookup = (_host, { signal }) =>
      new Promise((_, reject) =>
        signal?.addEventListener('abort', () => reject(new Error('lookup cancelled'))),
      );
    const pending = resolveAddresses('wait.test', lookup, controller.signal);
    const reason = new DOMException('Interrupted by SIGINT', 'AbortError');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('gives up at the abort even when the resolver ignores the signal', async () => {
    const deaf: Lookup = () => new Promise(() => {});
    const started = performance.now();
    const error = await resolveAddresses('slow.test', deaf, AbortSignal.timeout(100)).catch(
      (e: unknown) => e,
    );
    expect((error as Error).name).toBe('TimeoutError');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('an odd answer is an unknown host, not a TypeError', async () => {
    for (const odd of [null, { address: '127.0.0.1', family: 4 }, [{ address: 42 }], ['x']]) {
      const lookup = (async () => odd) as unknown as Lookup;
      await expect(resolveAddresses('odd.test', lookup), JSON.stringify(odd)).rejects.toMatchObject(
        { code: 'ENOTFOUND' },
      );
    }
  });
});
