import { SocketError } from '@socklab/core';
import { describe, expect, it } from 'vitest';
import { readFixture } from '../../test/read-fixture.ts';
import { snapshot } from '../snapshot.ts';
import type { RunTool } from './run-tool.ts';

/** A fake tool runner that records its calls and answers from fixtures. */
function fakeRun(answers: Record<string, string>) {
  const calls: string[] = [];
  const run: RunTool = async (file, args) => {
    const line = [file, ...args].join(' ');
    calls.push(line);
    const answer = answers[line];
    if (answer === undefined)
      throw Object.assign(new Error(`spawn ${file} ENOENT`), { code: 'ENOENT' });
    return answer;
  };
  return { run, calls };
}

describe('collectors that run the platform tool', () => {
  it('macOS: netstat -anv per protocol, fixed arguments, filters applied', async () => {
    const { run, calls } = fakeRun({
      'netstat -anv -p tcp': readFixture('macos-netstat-anv-modern.txt'),
      'netstat -anv -p udp': readFixture('macos-netstat-anv-udp-legacy.txt'),
    });
    const all = await snapshot({}, { platform: 'darwin', run });
    expect(calls).toEqual(['netstat -anv -p tcp', 'netstat -anv -p udp']);
    expect(all.length).toBeGreaterThan(4);
    const tcp = await snapshot({ proto: 'tcp', port: 631 }, { platform: 'darwin', run });
    expect(tcp).toMatchObject([{ proto: 'tcp6', state: 'LISTEN', pid: 412, command: 'cupsd' }]);
    expect(calls.slice(2)).toEqual(['netstat -anv -p tcp']);
  });

  it('Windows: netstat -ano, --pid and --listening', async () => {
    const { run, calls } = fakeRun({ 'netstat -ano': readFixture('windows-netstat-ano.txt') });
    const byPid = await snapshot({ pid: 10644 }, { platform: 'win32', run });
    expect(byPid.map((e) => e.local.port).sort()).toEqual([1031, 1032]);
    const listening = await snapshot({ listening: true, proto: 'udp' }, { platform: 'win32', run });
    expect(listening.every((e) => e.state === 'UNCONN')).toBe(true);
    expect(await snapshot({ proto: 'unix' }, { platform: 'win32', run })).toEqual([]);
    expect(calls).toEqual(['netstat -ano', 'netstat -ano']);
  });

  it('a missing tool is a SocketError naming the command', async () => {
    const { run } = fakeRun({});
    const attempt = snapshot({}, { platform: 'win32', run });
    await expect(attempt).rejects.toBeInstanceOf(SocketError);
    await expect(attempt).rejects.toThrow(/^Cannot run netstat -ano: /);
  });
});
