// Child processes for the bench: servers (detached, stopped by process group), the C load
// client, and /proc sampling of a server's CPU time and memory.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { openSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';

const live = new Set(); // every child we started, so an abort can stop them all by group

const READY = /Listening on (tcp|udp) (\S+):(\d+)/;

/**
 * Set where the bench runs but not where socklab is used, and left out of every command timed:
 * NODE_EXTRA_CA_CERTS makes Node read and parse that CA bundle at every start (~70 ms on the bench
 * VM, which sets it for its proxy), a cost to any Node program, whatever it does (socklab and the
 * baselines make no TLS connection).
 */
export const removedEnv = ['NODE_EXTRA_CA_CERTS'].filter((name) => process.env[name] !== undefined);

export const benchEnv = {
  ...process.env,
  DENO_NO_UPDATE_CHECK: '1',
  NO_COLOR: '1',
  FORCE_COLOR: undefined,
  ...Object.fromEntries(removedEnv.map((name) => [name, undefined])),
};

/** A fresh 127.x.y.z source address per client run (never 127.0.x.x): no TIME_WAIT clashes. */
function clientEnv() {
  const octet = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo + 1));
  return {
    ...process.env,
    LOAD_SRC_ADDR: `127.${octet(1, 254)}.${octet(0, 255)}.${octet(1, 254)}`,
  };
}

function track(child) {
  live.add(child);
  child.on('exit', () => live.delete(child));
  return child;
}

/** Stops one detached child's process group: SIGTERM, then SIGKILL after graceMs. */
export async function stopGroup(child, graceMs = 2000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const signal = (name) => {
    try {
      process.kill(-child.pid, name);
    } catch {}
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Kills every child still running (on abort or exit), each by its own process group. */
export function killAll() {
  for (const child of live) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
  }
}

/** A free loopback port, for servers that must be told their port (probe-ready servers). */
export function freePort(proto) {
  return new Promise((resolve, reject) => {
    if (proto === 'udp') {
      const s = dgram.createSocket('udp4');
      s.once('error', reject);
      s.bind(0, '127.0.0.1', () => {
        const { port } = s.address();
        s.close(() => resolve(port));
      });
      return;
    }
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function probeTcp(port) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function probeUdp(port) {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const done = (ok) => {
      clearTimeout(timer);
      s.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 150);
    s.once('message', () => done(true));
    s.once('error', () => done(false));
    s.send('probe', port, '127.0.0.1');
  });
}

/**
 * Starts a server: spec = { label, cmd, args, proto, stdout: 'pipe' | 'null', port? }.
 * 'pipe' servers are ready at their "Listening on" line; 'null' servers (stdout to /dev/null,
 * like printing mode) get a port from us and are ready when a probe gets through.
 */
export async function startServer(spec, timeoutMs = 20_000) {
  const port = spec.stdout === 'null' ? await freePort(spec.proto) : 0;
  const args = spec.args.map((a) => a.replaceAll('{port}', String(port)));
  const stdout = spec.stdout === 'null' ? openSync('/dev/null', 'w') : 'pipe';
  const child = track(
    spawn(spec.cmd, args, {
      detached: true,
      stdio: ['ignore', stdout, 'pipe'],
      env: benchEnv,
      cwd: spec.cwd,
    }),
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr = (stderr + d).slice(-2000);
  });
  const server = { spec, child, pid: child.pid, port, stderrTail: () => stderr.trim() };
  const failed = (why) => {
    const tail = stderr.trim().split('\n').slice(-3).join(' | ');
    return new Error(`${why}${tail ? `: ${tail}` : ''}`);
  };
  const exited = new Promise((resolve) =>
    child.once('exit', (code, sig) => resolve(`exited (${code ?? sig})`)),
  );
  const spawnError = new Promise((resolve) =>
    child.once('error', (e) => resolve(`cannot start: ${e.message}`)),
  );
  let ready;
  if (spec.stdout === 'null') {
    ready = (async () => {
      const probe = spec.proto === 'udp' ? probeUdp : probeTcp;
      const until = Date.now() + timeoutMs;
      while (Date.now() < until && child.exitCode === null) {
        if (await probe(port)) return null;
        await sleep(50);
      }
      return 'no reply to a probe';
    })();
  } else {
    ready = new Promise((resolve) => {
      let buf = '';
      const onData = (d) => {
        buf += d;
        const m = READY.exec(buf);
        if (m) {
          server.port = Number(m[3]);
          child.stdout.off('data', onData);
          child.stdout.resume(); // keep draining whatever else it prints
          resolve(null);
        } else if (buf.length > 8192) buf = buf.slice(-4096);
      };
      child.stdout.setEncoding('utf8').on('data', onData);
    });
  }
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(`no ready line within ${timeoutMs} ms`), timeoutMs);
  });
  const problem = await Promise.race([ready, exited, spawnError, timeout]);
  clearTimeout(timer);
  if (problem) {
    await stopGroup(child, 500);
    throw failed(problem);
  }
  return server;
}

/** CPU time (ns) of a process and all its threads, from /proc/<pid>/task/<tid>/schedstat. */
export function cpuNs(pid) {
  let total = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {} // a thread that just exited
    }
  } catch {
    return Number.NaN;
  }
  return total;
}

/** VmRSS, VmHWM and RssAnon (RSS without file-backed pages such as the runtime's own code) in KiB. */
export function memoryKiB(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) =>
      Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rss: field('VmRSS'), hwm: field('VmHWM'), anon: field('RssAnon') };
  } catch {
    return { rss: Number.NaN, hwm: Number.NaN, anon: Number.NaN };
  }
}

/** Runs the C load client to completion; resolves to its last JSON line. */
export function runClient(bin, args, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = track(
      spawn(bin, args.map(String), {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: clientEnv(),
      }),
    );
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d) => {
      err += d;
    });
    const timer = setTimeout(() => stopGroup(child, 0), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop();
      try {
        const result = JSON.parse(line);
        if (result.error) reject(new Error(`load client: ${result.error}`));
        else resolve(result);
      } catch {
        reject(
          new Error(
            `load client ${args[0]} failed (exit ${code}): ${(err || out).trim().slice(0, 300)}`,
          ),
        );
      }
    });
  });
}

/** Starts the C load client in an interactive mode (idle): send lines, await JSON lines. */
export function startInteractiveClient(bin, args) {
  const child = track(
    spawn(bin, args.map(String), {
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: clientEnv(),
    }),
  );
  const lines = [];
  const waiters = [];
  let buf = '';
  child.stdout.setEncoding('utf8').on('data', (d) => {
    buf += d;
    let i = buf.indexOf('\n');
    while (i >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiters.shift();
      if (w) w.resolve(line);
      else lines.push(line);
      i = buf.indexOf('\n');
    }
  });
  child.stderr.resume();
  child.on('close', () => {
    for (const w of waiters.splice(0)) w.reject(new Error(`load client ${args[0]} exited early`));
  });
  child.stdin.on('error', () => {});
  return {
    child,
    /** Next JSON line, within timeoutMs. */
    next(timeoutMs) {
      if (lines.length) return Promise.resolve(JSON.parse(lines.shift()));
      if (child.exitCode !== null)
        return Promise.reject(new Error(`load client ${args[0]} exited early`));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`load client ${args[0]}: no answer in ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          resolve: (l) => {
            clearTimeout(timer);
            try {
              resolve(JSON.parse(l));
            } catch (e) {
              reject(e);
            }
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
      });
    },
    send(line) {
      child.stdin.write(`${line}\n`);
    },
    async close() {
      child.stdin.end();
      await Promise.race([new Promise((r) => child.once('close', r)), sleep(10_000)]);
      await stopGroup(child, 0);
    },
  };
}

/** Runs a command with stdout to /dev/null under /usr/bin/time: wall ms and peak RSS (KiB). */
export function timeCommand(
  cmd,
  args,
  { timeoutMs = 60_000, timeBin = null, outFile = null } = {},
) {
  return new Promise((resolve) => {
    const useTime = timeBin !== null && outFile !== null;
    const [c, a] = useTime ? [timeBin, ['-f', '%M', '-o', outFile, cmd, ...args]] : [cmd, args];
    const t0 = process.hrtime.bigint();
    const child = track(
      spawn(c, a, { detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: benchEnv }),
    );
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d) => {
      err = (err + d).slice(-1000);
    });
    const timer = setTimeout(() => stopGroup(child, 0), timeoutMs);
    // Without /usr/bin/time, poll the high-water mark (it misses only the last few ms).
    let polledKiB = Number.NaN;
    const poll = useTime
      ? null
      : setInterval(() => {
          const { hwm } = memoryKiB(child.pid);
          if (Number.isFinite(hwm))
            polledKiB = Number.isFinite(polledKiB) ? Math.max(polledKiB, hwm) : hwm;
        }, 5);
    child.on('error', (e) => {
      err += e.message;
    });
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      let peakKiB = polledKiB;
      if (useTime) {
        try {
          peakKiB = Number(readFileSync(outFile, 'utf8').trim().split('\n').pop());
        } catch {}
      }
      resolve({ ms, peakKiB, code, signal, stderr: err.trim() });
    });
  });
}
