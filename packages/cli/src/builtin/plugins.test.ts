import { describe, expect, it } from 'vitest';
import { fakePlugin, fixture, runMain } from '../../test/fixtures.ts';

const extra = [
  '--plugin',
  fixture('throws-on-import.js'),
  '--plugin',
  fixture('bad-descriptor.js'),
  '--plugin',
  fixture('clash-plugin.js'),
];

describe('socklab plugins', () => {
  it('lists every plugin with its commands, source and version, then the broken ones', async () => {
    const { code, out, err } = await runMain([...extra, 'plugins']);
    // All listed, and the exit code says some did not load (a CI check of its plugins sees it).
    expect([code, err]).toEqual([
      1,
      `socklab: 3 plugins did not load: ${fixture('throws-on-import.js')}, ${fixture('bad-descriptor.js')}, ${fixture('clash-plugin.js')} (the reasons are listed above)\n`,
    ]);
    const clean = await runMain(['plugins']);
    expect([clean.code, clean.err]).toEqual([0, '']);
    expect(out).toContain('doctor 0.1.0  (built-in)\n');
    expect(out).toContain(
      `fake 9.9.9  (--plugin ${fakePlugin})\n  Test commands\n    socklab fake echo <text>\n    socklab fake opts <port> [host]\n`,
    );
    expect(out).toContain('\n    socklab solo [word]\n');
    expect(out).toContain(
      `throws-on-import.js  broken (--plugin ${fixture('throws-on-import.js')}): boom while loading\n`,
    );
    expect(out).toContain('bad  broken (--plugin');
    expect(out).toContain(': Cannot define plugin "bad": commands is empty\n');
    expect(out).toContain(
      `fake  broken (--plugin ${fixture('clash-plugin.js')}): name "fake" is already taken by the plugin from ${fakePlugin}\n`,
    );
  });

  it('--json: one object per plugin', async () => {
    const { code, out } = await runMain([...extra, 'plugins', '--json']);
    expect(code).toBe(1);
    const events = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'EPLUGIN' });
    const details = events.slice(0, -1).map((event) => event.details);
    expect(details).toContainEqual({
      name: 'fake',
      version: '9.9.9',
      source: '--plugin',
      from: fakePlugin,
      commands: [
        'fake echo <text>',
        'fake opts <port> [host]',
        'fake serve',
        'fake wait',
        'fake hang',
        'fake fail <how>',
        'fake bind <port>',
      ],
      broken: false,
    });
    expect(details.filter((d) => d.broken).map((d) => d.error)).toEqual([
      'boom while loading',
      'Cannot define plugin "bad": commands is empty',
      `name "fake" is already taken by the plugin from ${fakePlugin}`,
    ]);
  });

  it('a broken plugin never stops other commands, and naming it says why', async () => {
    const ok = await runMain([...extra, 'fake', 'echo', 'still works']);
    expect([ok.code, ok.out]).toEqual([0, 'echo: still works\n']);
    const bad = await runMain([...extra, 'bad']);
    expect(bad.code).toBe(1);
    expect(bad.err).toBe(
      'socklab: Cannot load plugin "bad": Cannot define plugin "bad": commands is empty; see socklab plugins\n',
    );
  });

  it('root help mentions the broken ones', async () => {
    const { out } = await runMain([...extra, '--help']);
    expect(out).toMatch(/Plugins that failed to load: .*bad.* \(see socklab plugins\)/);
  });
});
