// Shared pieces of the fault tests: a socklab server child with its output, the Node load client,
// RSS and socket-table probes, and sizes that grow under SOCKLAB_STRESS=1.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliBin, killGroup, runtimeArgv, runtimeName, spawnCli } from '../../test/helpers/cli.ts';

export const stress = process.env.SOCKLAB_STRESS === '1';
export const loadClientScript = join(
  dirname(fileURLToPath(import.meta.url)),
  'clients',
  'load-client.mjs',
);
export const MiB = 1024 * 1024;

export interface Child {
  child: ChildProcess;
  pid: number;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first line (stdout or stderr) matching, rejects on exit or timeout. */
  line: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
}

/** Wraps a child process: buffers its output and watches for lines. */
export function watchChild(child: ChildProcess): Child {
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  const poke = () => {
    for (const waiter of waiters) waiter();
  };
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    poke();
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    poke();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      resolve({ code, signal });
      poke();
    });
  });
  let done = false;
  exited.then(() => {
    done = true;
  });
  const line = (pattern: RegExp, timeoutMs = 15_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        for (const text of (out + err).split('\n')) {
          const match = text.match(pattern);
          if (match) {
            finish();
            resolve(match);
            return;
          }
        }
        if (done) {
          finish();
          reject(
            new Error(
              `exited before ${pattern}\nstdout: ${out.slice(-2000)}\nstderr: ${err.slice(-2000)}`,
            ),
          );
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(
          new Error(
            `timed out waiting for ${pattern}\nstdout: ${out.slice(-2000)}\nstderr: ${err.slice(-2000)}`,
          ),
        );
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return { child, pid: child.pid as number, stdout: () => out, stderr: () => err, exited, line };
}

export interface Server extends Child {
  port: number;
  /** Sends `signal` to the server and waits for it to exit (SIGKILL after `timeoutMs`). */
  stop: (
    signal?: NodeJS.Signals,
    timeoutMs?: number,
  ) => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `socklab tcp server --port 0 …` (or any server args) and waits for the ready line. */
export async function startServer(
  args: string[],
  options: { netns?: string } = {},
): Promise<Server> {
  let child: ChildProcess;
  if (options.netns) {
    const [cmd, prefix] = runtimeArgv(cliBin);
    child = spawn('ip', ['netns', 'exec', options.netns, cmd, ...prefix, ...args], {
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
  } else {
    child = spawnCli(args);
  }
  const watched = watchChild(child);
  let port: number;
  try {
    const match = await watched.line(
      // Plain and --json: "Listening on tcp 127.0.0.1:5000"; --trace: "listen tcp 127.0.0.1:5000 +3 ms".
      /(?:Listening on |^listen )(?:tcp|udp) (?:\[[^\]]*\]|[^\s:"]+):(\d+)/,
      20_000,
    );
    port = Number(match[1]);
  } catch (error) {
    killGroup(child);
    throw error;
  }
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000) => {
    // process.kill, not child.kill: Deno's child_process then reports the signal, not the exit code.
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid as number, signal);
      } catch {}
    }
    const timer = setTimeout(() => killGroup(child), timeoutMs);
    const result = await watched.exited;
    clearTimeout(timer);
    return result;
  };
  return { ...watched, port, stop };
}

export interface Load extends Child {
  /** The JSON object of the first `{"<key>": …}` line. */
  result: <T = Record<string, unknown>>(key: 'ready' | 'done', timeoutMs?: number) => Promise<T>;
  release: () => void;
}

/** Runs the Node load client in `mode` (inside `netns` when given). */
export function startLoad(
  mode: string,
  options: Record<string, unknown>,
  extra: { netns?: string } = {},
): Load {
  const argv = [loadClientScript, mode, JSON.stringify(options)];
  const child = extra.netns
    ? spawn('ip', ['netns', 'exec', extra.netns, 'node', ...argv], {
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
      })
    : spawn('node', argv, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const watched = watchChild(child);
  return {
    ...watched,
    async result(key, timeoutMs = 60_000) {
      const match = await watched.line(new RegExp(`^\\{"${key}":.*\\}$`), timeoutMs);
      return JSON.parse(match[0])[key];
    },
    release() {
      child.stdin?.write('release\n');
    },
  };
}

/** Resident set size of a process in bytes (VmRSS in /proc/<pid>/status). */
export function rss(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/** Samples `rss(pid)` every `everyMs` until stopped; returns the peak. */
export function sampleRss(pid: number, everyMs = 100): { stop: () => number } {
  let peak = 0;
  const take = () => {
    try {
      peak = Math.max(peak, rss(pid));
    } catch {}
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}

const tcpStates: Record<string, string> = {
  '01': 'ESTABLISHED',
  '02': 'SYN_SENT',
  '03': 'SYN_RECV',
  '04': 'FIN_WAIT1',
  '05': 'FIN_WAIT2',
  '06': 'TIME_WAIT',
  '07': 'CLOSE',
  '08': 'CLOSE_WAIT',
  '09': 'LAST_ACK',
  '0A': 'LISTEN',
  '0B': 'CLOSING',
};

/** States of the TCP sockets whose local port is `port` (from /proc/net/tcp{,6}, or a namespace's). */
export function tcpSocketsOnPort(port: number, netns?: string): string[] {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const text = netns
    ? spawnSync('ip', ['netns', 'exec', netns, 'cat', '/proc/net/tcp', '/proc/net/tcp6'], {
        encoding: 'utf8',
      }).stdout
    : readFileSync('/proc/net/tcp', 'utf8') + readFileSync('/proc/net/tcp6', 'utf8');
  const states: string[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[1]?.endsWith(`:${hex}`))
      states.push(tcpStates[fields[3] as string] ?? (fields[3] as string));
  }
  return states;
}

/** One echo round trip through the real `socklab tcp client` (the "serves new clients" probe). */
export async function echoProbe(port: number, timeoutMs = 10_000): Promise<boolean> {
  const { runCli } = await import('../../test/helpers/cli.ts');
  const result = await runCli(
    ['tcp', 'client', '127.0.0.1', String(port), 'probe', '--timeout', String(timeoutMs)],
    {
      timeoutMs: timeoutMs + 5000,
    },
  );
  const ok = result.code === 0 && result.stdout.includes("Received b'probe'");
  if (!ok)
    console.error(
      `echo probe on port ${port} failed: exit ${result.code} ${result.signal ?? ''}\n${result.stdout}${result.stderr}`,
    );
  return ok;
}

export { runtimeName };
