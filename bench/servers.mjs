// What the bench runs: the three runtimes, the raw baselines, socklab's servers and the
// classic tools, each as a spec startServer() understands.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = dirname(fileURLToPath(import.meta.url));
export const repoRoot = dirname(benchDir);
/** The CLI's ES module bundle: what Deno runs (and what the package's bin imports, but for inspect). */
export const cliBin = join(repoRoot, 'packages', 'cli', 'dist', 'socklab.js');
/** The package's bin, as `socklab` runs on Node and Bun (package.json "bin"). */
export const packageBin = join(repoRoot, 'packages', 'cli', 'bin', 'socklab.cjs');
const serversDir = join(benchDir, 'servers');

function binary(name) {
  const p = join(repoRoot, 'node_modules', '.bin', name);
  return existsSync(p) ? realpathSync(p) : null; // the real executable, so its PID is the server
}

/**
 * argv prefix that runs a JS file on each runtime (Deno with the flags socklab needs), and `bin`,
 * the file `socklab` is there.
 */
export const runtimes = {
  node: { cmd: process.execPath, prefix: [], eval0: ['-e', '0'], bin: packageBin },
  bun: { cmd: binary('bun'), prefix: [], eval0: ['-e', '0'], bin: packageBin },
  deno: {
    cmd: binary('deno'),
    prefix: ['run', '-A', '--unstable-net'],
    eval0: ['eval', '0'],
    bin: cliBin,
  },
};

export function runtimeVersion(name) {
  const r = runtimes[name];
  if (!r.cmd) return 'missing';
  try {
    return execFileSync(r.cmd, ['--version'], { encoding: 'utf8', timeout: 10_000 })
      .split('\n')[0]
      .trim();
  } catch {
    return 'unknown';
  }
}

function js(runtime, script, args, extra = {}) {
  const r = runtimes[runtime];
  return {
    runtime,
    cmd: r.cmd,
    args: [...r.prefix, script, ...args],
    stdout: 'pipe',
    cwd: repoRoot,
    ...extra,
  };
}

/** TCP echo baselines per runtime (Deno has two; the better one per measure is the baseline). */
export function rawTcp(runtime) {
  const node = js(runtime, join(serversDir, 'raw-node-echo.mjs'), [], { proto: 'tcp' });
  if (runtime === 'node') return [{ ...node, id: 'raw', label: 'raw node:net' }];
  if (runtime === 'bun')
    return [
      {
        ...js('bun', join(serversDir, 'raw-bun-echo.mjs'), [], { proto: 'tcp' }),
        id: 'raw',
        label: 'raw Bun.listen',
      },
    ];
  return [
    { ...node, id: 'raw-net', label: 'raw node:net' },
    {
      ...js('deno', join(serversDir, 'raw-deno-listen-echo.mjs'), [], { proto: 'tcp' }),
      id: 'raw-listen',
      label: 'raw Deno.listen',
    },
  ];
}

export function socklabTcp(runtime) {
  return {
    ...js(
      runtime,
      runtimes[runtime].bin,
      ['tcp', 'server', '--host', '127.0.0.1', '--port', '0', '--quiet'],
      {
        proto: 'tcp',
      },
    ),
    id: 'socklab',
    label: 'socklab tcp server --quiet',
    socklab: true,
  };
}

export function rawUdp(runtime) {
  return {
    ...js(runtime, join(serversDir, 'raw-dgram-echo.mjs'), [], { proto: 'udp' }),
    id: 'raw',
    label: 'raw node:dgram',
  };
}

export function socklabUdp(runtime, printing) {
  if (printing) {
    return {
      ...js(
        runtime,
        runtimes[runtime].bin,
        ['udp', 'server', '--host', '127.0.0.1', '{port}', '--keep', '--echo'],
        { proto: 'udp' },
      ),
      stdout: 'null',
      id: 'socklab-printing',
      label: 'socklab udp server --keep --echo > /dev/null',
      socklab: true,
      noGoal: true, // reported, not held to the goal
    };
  }
  return {
    ...js(
      runtime,
      runtimes[runtime].bin,
      ['udp', 'server', '--host', '127.0.0.1', '0', '--keep', '--echo', '--quiet'],
      { proto: 'udp' },
    ),
    id: 'socklab',
    label: 'socklab udp server --keep --echo --quiet',
    socklab: true,
  };
}

/** The C echo servers of the load client: the ceiling the client can drive. */
export function cServer(clientBin, proto) {
  return {
    runtime: 'c',
    cmd: clientBin,
    args: ['server', proto, '3600000'],
    stdout: 'pipe',
    proto,
    id: 'c',
    label: `C epoll echo (${proto})`,
  };
}

export function hasCommand(name) {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/** socat / ncat echo servers when installed (never installed by the bench). */
export function classicTcpServers() {
  const out = [];
  const socat = hasCommand('socat');
  if (socat)
    out.push({
      runtime: 'socat',
      cmd: socat,
      args: ['TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork', 'PIPE'],
      stdout: 'null',
      proto: 'tcp',
      id: 'socat',
      label: 'socat TCP-LISTEN,fork PIPE',
    });
  const ncat = hasCommand('ncat');
  if (ncat)
    out.push({
      runtime: 'ncat',
      cmd: ncat,
      args: ['-l', '-k', '127.0.0.1', '{port}', '-e', '/bin/cat'],
      stdout: 'null',
      proto: 'tcp',
      id: 'ncat',
      label: 'ncat -l -k -e /bin/cat',
    });
  return out;
}

/**
 * The seed's udp_server.py changed to loop, written into dir: loopback instead of the
 * hostname's address (the bench never leaves loopback), a ready line, and the receive/reply
 * part in `while True`. Returns the spec, or throws saying which part of the seed moved.
 */
export function pythonSeedUdp(dir) {
  const python = hasCommand('python3');
  if (!python) throw new Error('python3 not installed');
  const seed = join(repoRoot, '..', 'shared', 'seeds', 'udp_server.py');
  if (!existsSync(seed)) throw new Error(`seed not found: ${seed}`);
  let src = readFileSync(seed, 'utf8');
  const replace = (from, to) => {
    if (!src.includes(from)) throw new Error(`seed changed: cannot find ${JSON.stringify(from)}`);
    src = src.replace(from, to);
  };
  replace('HOST = socket.gethostbyname(HOSTNAME)', "HOST = '127.0.0.1'");
  replace(
    'sock.bind(sin)',
    "sock.bind(sin)\n        print(f'Listening on udp {HOST}:{sock.getsockname()[1]}', flush=True)",
  );
  const start = src.indexOf('    # receive messages');
  const end = src.indexOf('    # close socket');
  if (start < 0 || end < start)
    throw new Error('seed changed: cannot find the receive/reply block');
  const loop = src
    .slice(start, end)
    .split('\n')
    .map((l) => (l.trim() ? `    ${l}` : l))
    .join('\n');
  src = `${src.slice(0, start)}    while True:\n${loop}${src.slice(end)}`;
  const file = join(dir, 'udp_server_loop.py');
  writeFileSync(file, src);
  // It prints per datagram like the seed, so its stdout goes to /dev/null and a probe finds it ready.
  return {
    runtime: 'python',
    cmd: python,
    args: [file, '{port}'],
    stdout: 'null',
    proto: 'udp',
    id: 'python',
    label: 'seed udp_server.py, looping > /dev/null',
  };
}
