import { createSocket } from 'node:dgram';
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { arch, platform, release } from 'node:os';
import process from 'node:process';
import { detectRuntime } from '@socklab/core';
import { denoRerunHint } from '../deno-net.ts';
import { cliVersion } from '../version.ts';

/** One line of the doctor's report. `ok` is null for plain facts. */
export interface DoctorCheck {
  id: string;
  label: string;
  ok: boolean | null;
  value: string;
  hint?: string;
}

/** Every check, in report order. Each binds only loopback, port 0, and closes what it opened. */
export async function runDoctorChecks(): Promise<DoctorCheck[]> {
  const runtime = detectRuntime();
  const checks: DoctorCheck[] = [
    { id: 'runtime', label: 'runtime', ok: null, value: `${runtime.name} ${runtime.version}` },
    { id: 'os', label: 'os', ok: null, value: `${platform()} ${arch()} (${release()})` },
    { id: 'socklab', label: 'socklab', ok: null, value: cliVersion() },
  ];
  const denoNet = runtime.name === 'deno' ? denoNetCheck() : undefined;
  if (denoNet) checks.push(denoNet);
  checks.push(await loopbackCheck('ipv4', 'IPv4 loopback', '127.0.0.1'));
  checks.push(await loopbackCheck('ipv6', 'IPv6 loopback', '::1'));
  checks.push(await tcpBindCheck());
  // What socklab's UDP commands use: under Deno without the flag they cannot bind at all (the
  // Node layer's node:dgram could, which would say "ok" for commands that fail).
  checks.push(
    denoNet?.ok === false
      ? {
          id: 'udp-bind',
          label: 'UDP bind',
          ok: false,
          value: 'not available: UDP needs --unstable-net under Deno',
        }
      : await udpBindCheck(),
  );
  checks.push(procNetCheck());
  checks.push(otherPidsCheck());
  checks.push(rootCheck());
  return checks;
}

function denoNetCheck(): DoctorCheck {
  const deno = (globalThis as { Deno?: { listenDatagram?: unknown } }).Deno;
  const active = typeof deno?.listenDatagram === 'function';
  return active
    ? { id: 'deno-unstable-net', label: 'deno --unstable-net', ok: true, value: 'active' }
    : {
        id: 'deno-unstable-net',
        label: 'deno --unstable-net',
        ok: false,
        value: 'missing: UDP commands will not work',
        hint: `run: ${denoRerunHint(['doctor'])}`,
      };
}

/** Listens on the loopback address and connects to itself: proves the family is usable. */
async function loopbackCheck(id: string, label: string, host: string): Promise<DoctorCheck> {
  try {
    const port = await withServer(host, (port) => connectOnce(host, port).then(() => port));
    return {
      id,
      label,
      ok: true,
      value: `usable (${host.includes(':') ? `[${host}]` : host}:${port})`,
    };
  } catch (error) {
    return { id, label, ok: false, value: `not usable: ${reasonOf(error)}` };
  }
}

async function tcpBindCheck(): Promise<DoctorCheck> {
  try {
    const port = await withServer('127.0.0.1', async (port) => port);
    return { id: 'tcp-bind', label: 'TCP bind', ok: true, value: `ok (got port ${port})` };
  } catch (error) {
    return { id: 'tcp-bind', label: 'TCP bind', ok: false, value: `failed: ${reasonOf(error)}` };
  }
}

function udpBindCheck(): Promise<DoctorCheck> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', (error) => {
      try {
        socket.close();
      } catch {}
      resolve({
        id: 'udp-bind',
        label: 'UDP bind',
        ok: false,
        value: `failed: ${reasonOf(error)}`,
      });
    });
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() =>
        resolve({ id: 'udp-bind', label: 'UDP bind', ok: true, value: `ok (got port ${port})` }),
      );
    });
  });
}

function procNetCheck(): DoctorCheck {
  if (platform() !== 'linux') {
    return {
      id: 'proc-net',
      label: '/proc/net',
      ok: null,
      value: 'not Linux: the inspector uses netstat/lsof',
    };
  }
  try {
    readFileSync('/proc/net/tcp', 'utf8');
    return { id: 'proc-net', label: '/proc/net', ok: true, value: 'readable' };
  } catch (error) {
    return {
      id: 'proc-net',
      label: '/proc/net',
      ok: false,
      value: `not readable: ${reasonOf(error)}`,
    };
  }
}

/** Whether the fds of another user's process can be read, i.e. whose sockets those are. */
function otherPidsCheck(): DoctorCheck {
  const id = 'other-pids';
  const label = "other users' PIDs";
  if (platform() !== 'linux') return { id, label, ok: null, value: 'not Linux' };
  // Tried, not assumed: even root may be refused (a container, ptrace rules, pid 1's fds here).
  const root = process.getuid?.() === 0;
  const pid = root ? otherProcessPid() : otherUsersPid();
  if (pid === undefined) return { id, label, ok: null, value: "no other user's process to check" };
  try {
    const fds = readdirSync(`/proc/${pid}/fd`);
    if (fds.length > 0) readlinkSync(`/proc/${pid}/fd/${fds[0]}`);
    return {
      id,
      label,
      ok: true,
      value: `visible (read /proc/${pid}/fd${root ? ' as root' : ''})`,
    };
  } catch (error) {
    return {
      id,
      label,
      ok: false,
      value: `hidden (cannot read /proc/${pid}/fd: ${reasonOf(error)})`,
      hint: root
        ? "the kernel hides some processes' fds even from root here (a container, ptrace rules): their sockets show no owner"
        : "run as root to see which process owns other users' sockets",
    };
  }
}

/** The lowest PID that is not this process (root's check: PID 1 in most systems). */
function otherProcessPid(): number | undefined {
  try {
    return readdirSync('/proc')
      .filter((name) => /^[0-9]+$/.test(name))
      .map(Number)
      .sort((a, b) => a - b)
      .find((pid) => pid !== process.pid);
  } catch {
    return undefined;
  }
}

/** The lowest PID owned by another user (PID 1 in most systems), or undefined. */
export function otherUsersPid(): number | undefined {
  const uid = process.getuid?.();
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^[0-9]+$/.test(name));
  } catch {
    return undefined;
  }
  for (const name of entries.map(Number).sort((a, b) => a - b)) {
    try {
      if (statSync(`/proc/${name}`).uid !== uid) return name;
    } catch {}
  }
  return undefined;
}

function rootCheck(): DoctorCheck {
  const uid = process.getuid?.();
  if (uid === undefined)
    return { id: 'root', label: 'running as root', ok: null, value: 'n/a on this platform' };
  return {
    id: 'root',
    label: 'running as root',
    ok: null,
    value: uid === 0 ? 'yes' : `no (uid ${uid})`,
  };
}

function withServer<T>(host: string, use: (port: number) => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      use(port).then(
        (value) => server.close(() => resolve(value)),
        (error) => server.close(() => reject(error)),
      );
    });
  });
}

function connectOnce(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('connect timed out'));
    }, 2000);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.end();
      socket.destroy();
      resolve();
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function reasonOf(error: unknown): string {
  const e = error as { code?: string; message?: string };
  return e?.code ?? e?.message ?? String(error);
}
