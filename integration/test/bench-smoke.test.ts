// Smoke test of `npm run bench`: the harness runs end to end on Node with tiny sizes (< 20 s)
// and writes a table and JSON whose baseline rows hold real measurements. Node only: the
// harness itself drives every runtime, so running it under Bun and Deno adds nothing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const isNode = !('Bun' in globalThis) && !('Deno' in globalThis);

interface Row {
  section: string;
  subject: string;
  measure: string;
  baseline: string | null;
  baselineValue: number | null;
  value: number | string | null;
  result: string;
}

describe.skipIf(!isNode)('bench --smoke', () => {
  it('measures the raw baselines and writes markdown and JSON', () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
    try {
      const run = spawnSync(
        process.execPath,
        [join(root, 'bench', 'run.mjs'), '--smoke', '--out', out],
        {
          cwd: root,
          encoding: 'utf8',
          timeout: 60_000,
          // Left out of what it times (it costs every Node start a CA bundle read), and said so.
          env: { ...process.env, NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt' },
        },
      );
      expect(run.status, run.stderr).toBe(0);
      for (const title of [
        '### TCP echo',
        '### TCP idle connections',
        '### UDP request/reply',
        '### Inspector',
        '### CLI cold start',
        '### Load client check',
      ]) {
        expect(run.stdout).toContain(title);
      }
      const json = readdirSync(out).find((f) => f.endsWith('.json'));
      expect(json).toBeDefined();
      const result = JSON.parse(readFileSync(join(out, json as string), 'utf8'));
      const rows: Row[] = result.rows;
      const baseline = (section: string, measure: string) =>
        rows.find((r) => r.section === section && r.measure.startsWith(measure))?.baselineValue ??
        0;
      expect(baseline('tcp', 'throughput, 1 connection')).toBeGreaterThan(1); // MiB/s
      expect(baseline('tcp', 'latency p50')).toBeGreaterThan(0);
      expect(baseline('udp', 'request/reply rate, 64 B, 1 socket')).toBeGreaterThan(100);
      expect(baseline('idle', 'RSS with 300')).toBeGreaterThan(1000); // KiB
      expect(baseline('inspect', 'wall time')).toBeGreaterThan(0); // ss -tanp
      const echoed = rows.find(
        (r) =>
          r.section === 'idle' && r.subject === 'raw node:net' && r.measure.includes('still echo'),
      );
      expect(echoed?.value).toBe('300/300');
      expect(result.clientCheck.tput1.mibps).toBeGreaterThan(1);
      expect(result.machine.removedEnv).toEqual(['NODE_EXTRA_CA_CERTS']);
      expect(run.stdout).toContain("Left out of every command's environment: NODE_EXTRA_CA_CERTS");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
