// Local performance check while developing (the real harness lives in bench/): runs each named
// server command in a fresh process per repetition and prints medians side by side.
// usage: node scripts/measure.mjs [--reps 5] [--only tp1,tp64,lat,idle] name="cmd args" ...
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';

const args = process.argv.slice(2);
let reps = 5;
let only = ['tp1', 'tp64', 'lat', 'idle'];
const servers = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--reps') reps = Number(args[++i]);
  else if (args[i] === '--only') only = args[++i].split(',');
  else {
    const eq = args[i].indexOf('=');
    servers.push({ name: args[i].slice(0, eq), argv: args[i].slice(eq + 1).split(' ') });
  }
}
const MiB = 1024 * 1024;

function start(argv) {
  const child = spawn(argv[0], argv.slice(1), {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = /Listening on tcp \S+:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('exit', (c) => reject(new Error(`server exited ${c}: ${out}`)));
  });
}
function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGKILL');
  });
}
// CPU seconds of every thread of the process, from schedstat (ns; /proc/pid/stat counts 10 ms ticks).
function cpu(pid) {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {}
  }
  return ns / 1e9;
}
function rss(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
}
function connect(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(s));
    s.once('error', reject);
  });
}
const chunk = Buffer.alloc(64 * 1024, 7);
async function pump(port, total) {
  const s = await connect(port);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let got = 0;
    s.on('error', reject);
    s.on('data', (d) => {
      got += d.length;
      if (got >= total) {
        s.destroy();
        resolve();
      }
    });
    const write = () => {
      while (sent < total) {
        sent += chunk.length;
        if (!s.write(chunk)) return;
      }
    };
    s.on('drain', write);
    write();
  });
}
async function throughput(port, pid, conns, perConn) {
  const c0 = cpu(pid);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: conns }, () => pump(port, perConn)));
  const secs = (performance.now() - t0) / 1000;
  const mib = (conns * perConn) / MiB;
  return { mibps: mib / secs, cpuPerMiB: ((cpu(pid) - c0) / mib) * 1000 };
}
async function latency(port, n = 20000, warm = 2000) {
  const s = await connect(port);
  const msg = Buffer.alloc(64, 1);
  const times = [];
  await new Promise((resolve) => {
    let i = 0;
    let got = 0;
    let t = 0;
    s.on('data', (d) => {
      got += d.length;
      if (got < 64) return;
      got -= 64;
      if (i >= warm) times.push(performance.now() - t);
      if (++i === n + warm) return resolve();
      t = performance.now();
      s.write(msg);
    });
    t = performance.now();
    s.write(msg);
  });
  s.destroy();
  times.sort((a, b) => a - b);
  return { p50us: times[Math.floor(n * 0.5)] * 1000, p99us: times[Math.floor(n * 0.99)] * 1000 };
}
async function idle(port, pid, n = 10000) {
  const base = rss(pid);
  const socks = [];
  for (let i = 0; i < n; i += 500) {
    socks.push(
      ...(await Promise.all(Array.from({ length: Math.min(500, n - i) }, () => connect(port)))),
    );
  }
  await new Promise((r) => setTimeout(r, 1000));
  const mem = rss(pid);
  // Every connection still echoes.
  let ok = 0;
  await Promise.all(
    socks.map(
      (s) =>
        new Promise((resolve) => {
          s.once('data', () => {
            ok++;
            resolve();
          });
          s.write('x');
        }),
    ),
  );
  for (const s of socks) s.destroy();
  return { rssMiB: mem, baseMiB: base, echoed: ok };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const results = {};
for (let r = 0; r < reps; r++) {
  for (const server of servers) {
    results[server.name] ??= {};
    const row = results[server.name];
    const push = (k, v) => {
      row[k] ??= [];
      row[k].push(v);
    };
    for (const test of only) {
      const { child, port } = await start(server.argv);
      await new Promise((res) => setTimeout(res, 200));
      if (test === 'tp1') {
        const t = await throughput(port, child.pid, 1, 256 * MiB);
        push('tp1 MiB/s', t.mibps);
        push('tp1 cpu ms/MiB', t.cpuPerMiB);
      } else if (test === 'tp64') {
        const t = await throughput(port, child.pid, 64, 4 * MiB);
        push('tp64 MiB/s', t.mibps);
        push('tp64 cpu ms/MiB', t.cpuPerMiB);
      } else if (test === 'lat') {
        const l = await latency(port);
        push('p50 us', l.p50us);
        push('p99 us', l.p99us);
      } else if (test === 'idle' && r === 0) {
        const m = await idle(port, child.pid);
        push('idle RSS MiB', m.rssMiB);
        push('idle base MiB', m.baseMiB);
        push('idle echoed', m.echoed);
      }
      await stop(child);
    }
  }
}
const keys = [...new Set(Object.values(results).flatMap((r) => Object.keys(r)))];
const names = Object.keys(results);
console.log(['metric', ...names].map((s) => s.padEnd(16)).join(''));
for (const k of keys) {
  const vals = names.map((n) => median(results[n][k] ?? [NaN]));
  const ratio =
    names.length > 1
      ? `  ratio ${names
          .slice(1)
          .map((_, i) => (vals[i + 1] / vals[0]).toFixed(3))
          .join(' ')}`
      : '';
  console.log(
    [k, ...vals.map((v) => v.toFixed(2))].map((s) => String(s).padEnd(16)).join('') + ratio,
  );
}
