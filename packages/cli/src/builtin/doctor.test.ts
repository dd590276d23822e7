import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { platform } from 'node:os';
import { describe, expect, it } from 'vitest';
import { cliBin, runCli, runtimeName } from '../../../../test/helpers/cli.ts';
import { cliVersion } from '../version.ts';
import { type DoctorCheck, otherUsersPid, runDoctorChecks } from './doctor-checks.ts';

/** The runtime's version, found independently of core's detectRuntime. */
function expectedRuntime(): string {
  const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
  if (runtimeName === 'bun') return `bun ${g.Bun?.version}`;
  if (runtimeName === 'deno') return `deno ${g.Deno?.version.deno}`;
  return `node ${process.versions.node}`;
}

function canListen(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(0, host, () => server.close(() => resolve(true)));
  });
}

function readable(read: () => unknown): boolean {
  try {
    read();
    return true;
  } catch {
    return false;
  }
}

/** Checks a report (in-process checks or the binary's --json details) against this machine. */
async function expectCorrectReport(
  checks: Pick<DoctorCheck, 'id' | 'ok' | 'value'>[],
): Promise<void> {
  const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
  expect(byId.runtime?.value).toBe(expectedRuntime());
  expect(byId.socklab?.value).toBe(cliVersion());
  expect(byId.os?.value).toContain(platform());
  expect(byId.ipv4?.ok).toBe(await canListen('127.0.0.1'));
  expect(byId.ipv6?.ok).toBe(await canListen('::1'));
  expect(byId['tcp-bind']?.ok).toBe(true);
  expect(byId['udp-bind']?.ok).toBe(true);
  const uid = process.getuid?.();
  if (platform() === 'linux') {
    expect(byId['proc-net']?.ok).toBe(readable(() => readFileSync('/proc/net/tcp')));
    // Tried on another process (root too: the kernel may hide pid 1's fds even from root).
    const other = uid === 0 ? 1 : otherUsersPid();
    const visible =
      other !== undefined &&
      readable(() => {
        const fds = readdirSync(`/proc/${other}/fd`);
        if (fds.length > 0) readlinkSync(`/proc/${other}/fd/${fds[0]}`);
      });
    expect(byId['other-pids']?.ok).toBe(other === undefined ? null : visible);
  }
  if (uid !== undefined) expect(byId.root?.value).toBe(uid === 0 ? 'yes' : `no (uid ${uid})`);
  if (runtimeName === 'deno')
    expect(byId['deno-unstable-net']).toMatchObject({ ok: true, value: 'active' });
  else expect(byId['deno-unstable-net']).toBeUndefined();
}

describe('socklab doctor', () => {
  it('reports this runtime and machine correctly (in-process)', async () => {
    await expectCorrectReport(await runDoctorChecks());
  });

  it(`reports correctly from the binary on ${runtimeName}`, async () => {
    const { code, stdout, stderr } = await runCli(['doctor', '--json']);
    expect([code, stderr]).toEqual([0, '']);
    const details = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).details as DoctorCheck & { check: string });
    await expectCorrectReport(details.map((d) => ({ id: d.check, ok: d.ok, value: d.value })));
    const plain = await runCli(['doctor']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain(`runtime`);
    expect(plain.stdout).toContain(expectedRuntime());
    expect(plain.stdout).not.toContain('\u001b[');
  });

  it.runIf(runtimeName === 'deno')(
    'under Deno without --unstable-net says exactly how to run it',
    async () => {
      const { spawnSync } = await import('node:child_process');
      const result = spawnSync(process.execPath, ['run', '-A', cliBin, 'doctor'], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/! deno --unstable-net +missing: UDP commands will not work/);
      expect(result.stdout).toContain(`run: deno run -A --unstable-net ${cliBin} doctor`);
    },
  );

  it.runIf(runtimeName === 'deno')(
    'under Deno without --unstable-net, UDP commands fail with the fix',
    async () => {
      const { spawnSync } = await import('node:child_process');
      const result = spawnSync(process.execPath, ['run', '-A', cliBin, 'udp', 'server', '0'], {
        encoding: 'utf8',
      });
      if (/Unknown command "udp"/.test(result.stderr)) return; // the UDP plugin is not built yet
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        `socklab: UDP under Deno needs --unstable-net; run: deno run -A --unstable-net ${cliBin} udp server 0\n`,
      );
      // Under --json the stream says it too, as its one error event.
      const json = spawnSync(
        process.execPath,
        ['run', '-A', cliBin, 'udp', 'client', '127.0.0.1', '9', 'x', '--json'],
        { encoding: 'utf8' },
      );
      expect(json.status).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({
        type: 'error',
        code: 'ENOTSUP',
        message: expect.stringMatching(/^UDP under Deno needs --unstable-net; run: /),
      });
    },
  );
});
