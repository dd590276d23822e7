import { describe, expect, it } from 'vitest';
import { fakeOptsDefaults as optsDefaults, runMain } from '../test/fixtures.ts';

describe('parsing good command lines', () => {
  const good: [string[], Record<string, unknown>][] = [
    [['fake', 'opts', '80'], { port: 80, ...optsDefaults }],
    [['fake', 'opts', '80', '::1'], { port: 80, ...optsDefaults, host: '::1' }],
    [
      ['fake', 'opts', '--port', '80', '--host', 'localhost'],
      { port: 80, ...optsDefaults, host: 'localhost' },
    ],
    [['fake', 'opts', '80', '--timeout', '5'], { port: 80, ...optsDefaults, timeout: 5 }],
    [['fake', 'opts', '80', '--timeout=60000'], { port: 80, ...optsDefaults, timeout: 60000 }],
    [['fake', 'opts', '80', '--mode', 'slow'], { port: 80, ...optsDefaults, mode: 'slow' }],
    [['fake', 'opts', '80', '-k'], { port: 80, ...optsDefaults, keep: true }],
    [['fake', 'opts', '80', '--keep=false'], { port: 80, ...optsDefaults }],
    [['fake', 'opts', '80', '--no-color'], { port: 80, ...optsDefaults, color: false }],
    // Any flag turns off by name, as --keep=false does.
    [['fake', 'opts', '80', '--no-keep'], { port: 80, ...optsDefaults }],
    [['fake', 'opts', '80', '-k', '--no-keep'], { port: 80, ...optsDefaults }],
    [['fake', 'opts', '80', '--count', '3'], { port: 80, ...optsDefaults, count: 3 }],
    [['fake', 'opts', '--json', '80'], { port: 80, ...optsDefaults, json: true }],
    [['--json', 'fake', 'opts', '80'], { port: 80, ...optsDefaults, json: true }],
    [['fake', '--keep', 'opts', '80'], { port: 80, ...optsDefaults, keep: true }],
    [['fake', 'opts', '--', '80'], { port: 80, ...optsDefaults }],
    [['fake', 'opts', '65535', '--name', 'x-1'], { port: 65535, ...optsDefaults, name: 'x-1' }],
  ];
  it.each(good)('socklab %j', async (args, expected) => {
    const { code, out, err } = await runMain(args);
    expect(err).toBe('');
    expect(code).toBe(0);
    const { count, name, ...rest } = expected;
    expect(JSON.parse(out)).toEqual({
      ...rest,
      ...(count !== undefined ? { count } : {}),
      ...(name ? { name } : {}),
    });
  });

  it('gives the command its own --json instead of switching to NDJSON', async () => {
    const { code, out } = await runMain(['solo', 'hey', '--json']);
    expect(code).toBe(0);
    expect(out).toBe('{"word":"hey"}\n');
  });

  it('runs a command named like its plugin as `socklab <name>`', async () => {
    expect((await runMain(['solo'])).out).toBe('solo: hi\n');
    expect((await runMain(['solo', 'there'])).out).toBe('solo: there\n');
  });

  it('switches to NDJSON with the common --json anywhere on the line', async () => {
    for (const args of [
      ['--json', 'fake', 'echo', 'x'],
      ['fake', 'echo', 'x', '--json'],
      ['fake', '--json', 'echo', 'x'],
    ]) {
      const { code, out } = await runMain(args);
      expect(code).toBe(0);
      expect(
        out
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).type),
      ).toEqual(['send', 'info', 'info']);
    }
  });
});

describe('parsing bad command lines: one line on stderr, exit 2', () => {
  const bad: [string[], RegExp][] = [
    [
      ['nope'],
      /^socklab: Unknown command "nope": use one of (\w+, )*doctor, plugins, fake, solo \(see socklab --help\)$/,
    ],
    [['--bogus'], /^socklab: Unknown option "--bogus" \(see socklab --help\)$/],
    [['-x'], /Unknown option "-x"/],
    [['--json=maybe', 'fake', 'echo', 'x'], /Cannot parse --json "maybe": must be true or false/],
    [['--help=1', 'fake', 'echo', 'x'], /--help takes no value/],
    [
      ['fake'],
      /^socklab: Missing command after "fake": use one of echo, opts, .* \(see socklab fake --help\)$/,
    ],
    [['fake', 'nope'], /^socklab: Unknown command "fake nope": use one of echo/],
    [['fake', '--json'], /Missing command after "fake"/],
    [['fake', 'echo'], /^socklab: Missing text: what to print \(see socklab fake echo --help\)$/],
    [
      ['fake', 'echo', 'a', 'b'],
      /^socklab: Unexpected argument "b" \(see socklab fake echo --help\)$/,
    ],
    [
      ['fake', 'echo', 'a', '--bogus'],
      /^socklab: Unknown option "--bogus" \(see socklab fake echo --help\)$/,
    ],
    [['fake', 'echo', 'a', '-z'], /Unknown option "-z"/],
    [
      ['fake', 'opts', '80', '--timout', '5'],
      /^socklab: Unknown option "--timout" \(did you mean "--timeout"\?\) \(see socklab fake opts --help\)$/,
    ],
    [
      ['fake', 'ecoh', 'x'],
      /^socklab: Unknown command "fake ecoh" \(did you mean "fake echo"\?\): use one of/,
    ],
    [['fak', 'echo', 'x'], /^socklab: Unknown command "fak" \(did you mean "fake"\?\): use one of/],
    [
      ['fake', 'opts', 'abc'],
      /^socklab: Cannot parse port "abc": port must be a number 1-65535 \(see socklab fake opts --help\)$/,
    ],
    [['fake', 'opts', '0'], /Cannot parse port "0": port must be 1-65535/],
    [['fake', 'opts', '65536'], /Cannot parse port "65536"/],
    [
      ['fake', 'opts', '-1'],
      /^socklab: Cannot parse port "-1": port must be a number 1-65535 \(see/,
    ],
    [['fake', 'opts', '-12'], /Cannot parse port "-12"/],
    [['fake', 'opts', '80', '--timeout', '-5'], /Cannot parse --timeout "-5"/],
    [['fake', 'opts', '--', '-1'], /Cannot parse port "-1"/],
    [['fake', 'opts', '1e3'], /Cannot parse port "1e3"/],
    [['fake', 'opts', '0x50'], /Cannot parse port "0x50"/],
    [['fake', 'opts', '80', '[::1'], /Cannot parse host "\[::1"/],
    [
      ['fake', 'opts', '80', '--timeout'],
      /^socklab: Missing value for --timeout: how long to wait \(see socklab fake opts --help\)$/,
    ],
    [
      ['fake', 'opts', '80', '--timeout', 'soon'],
      /Cannot parse --timeout "soon": must be a whole number of milliseconds 1-60000/,
    ],
    [['fake', 'opts', '80', '--timeout', '0'], /Cannot parse --timeout "0"/],
    [['fake', 'opts', '80', '--timeout', '60001'], /Cannot parse --timeout "60001"/],
    [['fake', 'opts', '80', '--timeout', '1.5'], /Cannot parse --timeout "1.5"/],
    [
      ['fake', 'opts', '80', '--mode', 'medium'],
      /Cannot parse --mode "medium": must be one of fast, slow/,
    ],
    [
      ['fake', 'opts', '80', '--count', '0'],
      /Cannot parse --count "0": must be a whole number >= 1/,
    ],
    [['fake', 'opts', '80', '--keep=maybe'], /Cannot parse --keep "maybe": must be true or false/],
    [['fake', 'opts', '80', '--no-color=1'], /--no-color takes no value/],
    [['fake', 'opts', '80', '--no-keep=1'], /--no-keep takes no value/],
    [['fake', 'opts', '80', '--port', '81'], /port is given twice/],
    [['fake', 'opts', '80', '--name', 'a b'], /Cannot parse --name "a b": must not contain spaces/],
    [
      ['fake', 'opts', '80', '-k', '--count', '2'],
      /^socklab: --keep and --count conflict; use one of them \(see socklab fake opts --help\)$/,
    ],
    [['fake', 'opts', '80', '--no-trace=1'], /--no-trace takes no value/],
    // A value left out before the next option: said so, not "Unexpected argument".
    [
      ['fake', 'opts', '80', '--timeout', '--mode', 'slow'],
      /^socklab: Missing value for --timeout/,
    ],
    [['solo', 'a', 'b'], /^socklab: Unexpected argument "b" \(see socklab solo --help\)$/],
    // A stray word that is a value of one option (`inspect tcp`): how to give it.
    [
      ['fake', 'opts', '80', 'localhost', 'SLOW'],
      /^socklab: Unexpected argument "SLOW"; use --mode slow \(see socklab fake opts --help\)$/,
    ],
    [['--plugin'], /^socklab: Missing value for --plugin; give a module file, a package folder/],
    [
      ['fake', 'fail', 'sideways'],
      /Cannot parse how "sideways": must be one of socket, usage, crash/,
    ],
    [
      ['fake', 'fail', 'usage'],
      /^socklab: --size is too big for UDP; use at most 65507 \(see socklab fake fail --help\)$/,
    ],
  ];
  it('has at least 25 cases', () => expect(bad.length).toBeGreaterThanOrEqual(25));
  it.each(bad)('socklab %j', async (args, pattern) => {
    const { code, out, err } = await runMain(args);
    expect(code).toBe(2);
    // Commands that fail at run time may have printed their own lines first; with --json, the
    // stream is one EUSAGE error event.
    if (args.includes('--json'))
      expect(JSON.parse(out)).toMatchObject({ type: 'error', code: 'EUSAGE' });
    else if (args[1] !== 'fail') expect(out).toBe('');
    const lines = err.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    expect(err).not.toMatch(/\n\s+at /);
  });
});
