import { createServer, connect as netConnect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parsePort } from './endpoint.ts';
import {
  isSocketError,
  isUsageError,
  reasons,
  SocketError,
  type SocketErrorCode,
  socketErrorCode,
  toSocketError,
  UsageError,
} from './errors.ts';

const g = globalThis as {
  Deno?: {
    connect(o: { hostname: string; port: number }): Promise<{ close(): void }>;
    listen(o: { hostname: string; port: number }): { close(): void };
  };
  Bun?: {
    connect(o: { hostname: string; port: number; socket: object }): Promise<{ end(): void }>;
    listen(o: { hostname: string; port: number; socket: object }): { stop(): void };
  };
};

/** A loopback port with nothing listening: bind port 0, note it, close. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('SocketError', () => {
  it('reads "Cannot <action> <target>: <reason>" and keeps code, hint and cause', () => {
    const cause = new Error('native');
    const error = new SocketError('EADDRINUSE', {
      action: 'bind',
      target: 'udp 127.0.0.1:65432',
      hint: 'pick another port with --port',
      cause,
    });
    expect(error.message).toBe('Cannot bind udp 127.0.0.1:65432: address already in use');
    expect(error).toMatchObject({
      name: 'SocketError',
      code: 'EADDRINUSE',
      action: 'bind',
      reason: 'address already in use',
    });
    expect(error.hint).toBe('pick another port with --port');
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(Error);
  });

  it('keeps the words users search for', () => {
    expect(reasons.ECONNREFUSED).toBe('connection refused');
    expect(reasons.EADDRINUSE).toBe('address already in use');
    expect(reasons.ENOTFOUND).toBe('unknown host');
    const custom = new SocketError('ETIMEDOUT', {
      action: 'receive from',
      target: 'udp ::1:9',
      reason: 'no reply after 3 tries',
    });
    expect(custom.message).toBe('Cannot receive from udp ::1:9: no reply after 3 tries');
  });

  it('UsageError: a reason of its own (default: the message), the message unchanged', () => {
    const parts = new UsageError('Cannot parse port "a: b": port must be a number', {
      reason: 'port must be a number',
      hint: 'use a port 1-65535',
    });
    expect([parts.message, parts.reason, parts.hint]).toEqual([
      'Cannot parse port "a: b": port must be a number',
      'port must be a number',
      'use a port 1-65535',
    ]);
    const hinted = new UsageError('--interval needs --watch', 'add --watch');
    expect([hinted.reason, hinted.hint]).toEqual(['--interval needs --watch', 'add --watch']);
    expect(new UsageError('x').hint).toBeUndefined();
    // Core's parsers give the reason apart, whatever the input holds.
    expect(() => parsePort('a: b')).toThrow(
      expect.objectContaining({ reason: 'port must be a number 1-65535' }),
    );
  });

  it('is recognised across copies of core (brand, not identity)', () => {
    // What another copy of @socklab/core would build: same brand, different class.
    class OtherSocketError extends Error {
      readonly [Symbol.for('socklab.SocketError')] = true;
      code = 'ECONNRESET';
    }
    class OtherUsageError extends Error {
      readonly [Symbol.for('socklab.UsageError')] = true;
    }
    expect(new OtherSocketError('x')).toBeInstanceOf(SocketError);
    expect(isSocketError(new OtherSocketError('x'))).toBe(true);
    expect(isUsageError(new OtherUsageError('x'))).toBe(true);
    expect(new OtherUsageError('x') instanceof SocketError).toBe(false);
    expect(new Error('x') instanceof SocketError).toBe(false);
    expect(new Error('x') instanceof UsageError).toBe(false);
    expect(isSocketError(null)).toBe(false);
    expect(isUsageError('Cannot')).toBe(false);
    class Sub extends SocketError {}
    const sub = new Sub('EINVAL', { action: 'x', target: 'y' });
    expect(sub).toBeInstanceOf(Sub);
    expect(sub).toBeInstanceOf(SocketError);
    expect(new SocketError('EINVAL', { action: 'x', target: 'y' }) instanceof Sub).toBe(false);
  });
});

describe('socketErrorCode', () => {
  it.each<[string, unknown, SocketErrorCode]>([
    [
      'Node code',
      { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' },
      'ECONNREFUSED',
    ],
    ['Node code EADDRINUSE', { code: 'EADDRINUSE' }, 'EADDRINUSE'],
    ['Node DNS', { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND x.invalid' }, 'ENOTFOUND'],
    ['Node EAI_AGAIN', { code: 'EAI_AGAIN' }, 'ENOTFOUND'],
    ['Node EPERM', { code: 'EPERM' }, 'EACCES'],
    ['Node abort', { code: 'ABORT_ERR', name: 'AbortError' }, 'EABORTED'],
    ['Node dgram bad port', { code: 'ERR_SOCKET_BAD_PORT' }, 'EINVAL'],
    ['Node unix socket', { code: 'ENOENT', message: 'connect ENOENT /tmp/x.sock' }, 'ENOENT'],
    [
      'Deno class name',
      { name: 'ConnectionRefused', message: 'Connection refused (os error 111)' },
      'ECONNREFUSED',
    ],
    [
      'Deno AddrInUse',
      { name: 'AddrInUse', message: 'Address already in use (os error 98)' },
      'EADDRINUSE',
    ],
    ['Deno NotCapable', { name: 'NotCapable', message: 'Requires net access' }, 'EACCES'],
    ['Deno TimedOut', { name: 'TimedOut' }, 'ETIMEDOUT'],
    [
      'Deno NotFound',
      { name: 'NotFound', message: 'No such file or directory (os error 2)' },
      'ENOENT',
    ],
    [
      'Deno DNS',
      { name: 'Error', message: 'failed to lookup address information: Name or service not known' },
      'ENOTFOUND',
    ],
    [
      'Deno DNS (musl)',
      { message: 'failed to lookup address information: Name does not resolve' },
      'ENOTFOUND',
    ],
    ['Deno os error only', { name: 'Error', message: 'Something (os error 104)' }, 'ECONNRESET'],
    ['Deno EMSGSIZE', { message: 'Message too long (os error 90)' }, 'EMSGSIZE'],
    ['Bun code', { code: 'ECONNREFUSED', message: 'Failed to connect' }, 'ECONNREFUSED'],
    ['Bun DNSException', { name: 'DNSException', code: 'ENOTFOUND' }, 'ENOTFOUND'],
    ['Bun listen', { code: 'EADDRINUSE', message: 'Failed to listen at 127.0.0.1' }, 'EADDRINUSE'],
    ['errno in message after another word', { message: 'ERROR: connect ECONNRESET' }, 'ECONNRESET'],
    ['plain words', { message: 'read: connection reset by peer' }, 'ECONNRESET'],
    [
      'timeout signal',
      { name: 'TimeoutError', message: 'The operation was aborted due to timeout' },
      'ETIMEDOUT',
    ],
    ['unknown code', { code: 'EWHATEVER', message: 'odd' }, 'EUNKNOWN'],
    ['string', 'ECONNREFUSED', 'EUNKNOWN'],
    ['null', null, 'EUNKNOWN'],
    ['prototype name', { name: 'toString' }, 'EUNKNOWN'],
    ['prototype code (found by fuzzing)', { code: 'toString' }, 'EUNKNOWN'],
    ['prototype errno in message', { message: 'EVALUATE constructor' }, 'EUNKNOWN'],
  ])('%s', (_label, error, code) => {
    expect(socketErrorCode(error)).toBe(code);
  });

  it('keeps the code of a SocketError', () => {
    expect(socketErrorCode(new SocketError('EMSGSIZE', { action: 'send to', target: 'x' }))).toBe(
      'EMSGSIZE',
    );
  });

  it('maps a real refused connection from node:net to ECONNREFUSED', async () => {
    const port = await closedPort();
    const error = await new Promise((resolve) =>
      netConnect(port, '127.0.0.1').on('error', resolve),
    );
    expect(socketErrorCode(error)).toBe('ECONNREFUSED');
    const wrapped = toSocketError(error, { action: 'connect to', target: `tcp 127.0.0.1:${port}` });
    expect(wrapped.message).toBe(`Cannot connect to tcp 127.0.0.1:${port}: connection refused`);
    expect(wrapped.cause).toBe(error);
  });

  it('maps a real "address in use" from node:net to EADDRINUSE', async () => {
    const first = createServer();
    await new Promise<void>((resolve) => first.listen(0, '127.0.0.1', resolve));
    const { port } = first.address() as { port: number };
    const second = createServer();
    const error = await new Promise((resolve) =>
      second.on('error', resolve).listen(port, '127.0.0.1'),
    );
    await new Promise((resolve) => first.close(resolve));
    expect(socketErrorCode(error)).toBe('EADDRINUSE');
  });

  it.runIf(g.Deno)('maps real Deno.connect / Deno.listen errors', async () => {
    const deno = g.Deno as NonNullable<typeof g.Deno>;
    const port = await closedPort();
    expect(socketErrorCode(await rejection(deno.connect({ hostname: '127.0.0.1', port })))).toBe(
      'ECONNREFUSED',
    );
    const listener = deno.listen({ hostname: '127.0.0.1', port: 0 });
    const taken = (listener as unknown as { addr: { port: number } }).addr.port;
    let error: unknown;
    try {
      deno.listen({ hostname: '127.0.0.1', port: taken }).close();
    } catch (e) {
      error = e;
    }
    listener.close();
    expect(socketErrorCode(error)).toBe('EADDRINUSE');
  });

  it.runIf(g.Bun)('maps real Bun.connect / Bun.listen errors', async () => {
    const bun = g.Bun as NonNullable<typeof g.Bun>;
    const port = await closedPort();
    const refused = await rejection(
      bun.connect({ hostname: '127.0.0.1', port, socket: { data() {} } }),
    );
    expect(socketErrorCode(refused)).toBe('ECONNREFUSED');
    const listener = bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
    const taken = (listener as unknown as { port: number }).port;
    let error: unknown;
    try {
      bun.listen({ hostname: '127.0.0.1', port: taken, socket: { data() {} } }).stop();
    } catch (e) {
      error = e;
    }
    listener.stop();
    expect(socketErrorCode(error)).toBe('EADDRINUSE');
  });

  it('maps an AbortSignal.timeout reason to ETIMEDOUT', async () => {
    const signal = AbortSignal.timeout(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(socketErrorCode(signal.reason)).toBe('ETIMEDOUT');
  });
});

describe('UsageError', () => {
  it('carries a message and a hint', () => {
    const error = new UsageError(
      'Cannot parse --port "x": port must be a number 1-65535',
      'see --help',
    );
    expect(error).toMatchObject({ name: 'UsageError', hint: 'see --help' });
    expect(error).toBeInstanceOf(Error);
    expect(isUsageError(error)).toBe(true);
    expect(isSocketError(error)).toBe(false);
  });
});
