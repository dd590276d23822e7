// Test helpers shared by every package: run the real socklab binary on the runtime that runs
// the test, find the seed's Python programs, and get free loopback ports.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const runtimeName: 'node' | 'bun' | 'deno' =
  'Bun' in globalThis ? 'bun' : 'Deno' in globalThis ? 'deno' : 'node';
/** The ES module bundle of the CLI (packages/cli/scripts/bundle.mjs): what Deno runs. */
export const esmBin = join(repoRoot, 'packages', 'cli', 'dist', 'socklab.js');
/** The package's bin (bin/socklab.cjs): `inspect` from dist/socklab-cli.cjs, the rest from esmBin. */
export const packageBin = join(repoRoot, 'packages', 'cli', 'bin', 'socklab.cjs');
/** What `socklab` runs on this runtime: the package's bin on Node and Bun, esmBin on Deno. */
export const cliBin = runtimeName === 'deno' ? esmBin : packageBin;
/** The same CLI as tsc built it, one file per module: tests of what a command line imports. */
export const cliModulesBin = join(repoRoot, 'packages', 'cli', 'dist', 'bin.js');

/** argv prefix that runs a JS file on the current runtime (Deno with the flags socklab needs). */
export function runtimeArgv(script: string): [string, string[]] {
  if (runtimeName === 'deno') return [process.execPath, ['run', '-A', '--unstable-net', script]];
  return [process.execPath, [script]];
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string | Uint8Array;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  cwd?: string;
}

/** Starts `socklab <args>` with pipes (no TTY), NO_COLOR unset and a clean env for socklab. */
export function spawnCli(args: string[], options: RunOptions = {}): ChildProcess {
  const [cmd, prefix] = runtimeArgv(cliBin);
  return spawn(cmd, [...prefix, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', FORCE_COLOR: undefined, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
}

/** Runs `socklab <args>` to completion (killed after timeoutMs, default 20 s). */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return collect(spawnCli(args, options), options);
}

/** Waits for a child to exit, collecting its output; kills its process group on timeout. */
export function collect(child: ChildProcess, options: RunOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  else child.stdin?.end();
  return new Promise((resolve) => {
    const timer = setTimeout(() => killGroup(child), options.timeoutMs ?? 20_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Kills a detached child's whole process group (only ever our own children). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {}
  }
}

/** Resolves with the first stdout line matching `pattern` (rejects on exit or timeout). */
export function waitForLine(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs = 15_000,
): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let errors = '';
    const onErr = (d: Buffer) => {
      errors += d.toString();
    };
    const onData = (d: Buffer) => {
      buffered += d.toString();
      for (const line of buffered.split('\n')) {
        const match = line.match(pattern);
        if (match) {
          done();
          resolve(match);
          return;
        }
      }
    };
    const onExit = (code: number | null) => {
      done();
      reject(
        new Error(
          `process exited (${code}) before printing ${pattern}; stdout: ${buffered} stderr: ${errors}`,
        ),
      );
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out waiting for ${pattern}; stdout: ${buffered} stderr: ${errors}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onErr);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onErr);
    child.on('exit', onExit);
  });
}

/** A TCP port that was free a moment ago on 127.0.0.1 (for seed scripts that need a fixed port). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Path of one of the seed's Python programs in ../shared/seeds. Under CI a missing seed fails
 * the test; elsewhere it returns undefined so the caller can skip.
 */
export function seedPath(name: string): string | undefined {
  const path = join(repoRoot, '..', 'shared', 'seeds', name);
  if (existsSync(path)) return path;
  if (process.env.CI)
    throw new Error(`seed program ${path} is missing: CI must have ../shared/seeds`);
  return undefined;
}
