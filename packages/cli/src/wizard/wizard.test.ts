// The wizard's prompts and the whole wizard, driven through injected input/output streams the
// way clack tests its prompts: keys go in as terminal bytes, the drawn frames are read back.
import { Readable, Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import {
  createEventClock,
  defineCommand,
  definePlugin,
  type OptionSpecs,
  type Plugin,
  UsageError,
} from '@socklab/core';
import inspector from '@socklab/inspector';
import tcp from '@socklab/transport-tcp';
import udp from '@socklab/transport-udp';
import { describe, expect, it } from 'vitest';
import { registryOf } from '../../test/fixtures.ts';
import { createMemoryIO } from '../memory-io.ts';
import type { AnyCommand } from '../parse.ts';
import { askOptions, type OptionPrompt, optionPrompts } from './option-prompts.ts';
import { runWizard } from './run-wizard.ts';

const keys = {
  enter: '\r',
  down: '\u001b[B',
  ctrlC: '\u0003',
  ctrlD: '\u0004',
  escape: '\u001b',
  backspace: '\u007f',
};

/** A fake terminal: `type` sends keys, `waitFor` reads what the prompts drew since the last match. */
function fakeTerminal(columns = 120) {
  let drawn = '';
  let mark = 0;
  const input = new Readable({ read() {} });
  const output = new Writable({
    write(chunk, _encoding, done) {
      drawn += String(chunk);
      done();
    },
  });
  Object.assign(output, { columns, rows: 40 });
  return {
    input,
    output,
    text: () => stripVTControlCharacters(drawn),
    /** What was drawn between line breaks and cursor moves: each piece sits on one screen row. */
    // biome-ignore lint/suspicious/noControlCharactersInRegex: cursor moves are escape sequences
    rows: () => drawn.split(/\n|\u001b\[[\d;?]*[A-Za-z]/).map(stripVTControlCharacters),
    type(...sequence: string[]) {
      for (const key of sequence) input.push(key);
    },
    async waitFor(pattern: RegExp, timeoutMs = 5000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const rest = stripVTControlCharacters(drawn).slice(mark);
        const match = pattern.exec(rest);
        if (match) {
          mark += match.index + match[0].length;
          // Let the prompt finish attaching its key listener before the next keys arrive.
          await new Promise((resolve) => setTimeout(resolve, 20));
          return;
        }
        if (Date.now() > deadline)
          throw new Error(`the wizard never drew ${pattern}; it drew:\n${rest}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}

const commandOf = (plugin: Plugin, name: string) =>
  plugin.commands.find((c) => c.name === name) as AnyCommand;
const byName = (prompts: OptionPrompt[], name: string) =>
  prompts.find((p) => p.name === name) as OptionPrompt;

describe('optionPrompts: one prompt per option, from its spec', () => {
  it('asks positionals first, then the options in order, as text, select or confirm', () => {
    const prompts = optionPrompts(commandOf(udp, 'server'));
    expect(prompts.map((p) => [p.name, p.kind])).toEqual([
      ['port', 'text'],
      ['host', 'text'],
      ['keep', 'confirm'],
      ['reply', 'text'],
      ['echo', 'confirm'],
      ['quiet', 'confirm'],
    ]);
    expect(byName(optionPrompts(commandOf(inspector, 'inspect')), 'style')).toMatchObject({
      kind: 'select',
      initialValue: 'netstat',
    });
  });

  it('uses the wizard default (servers on loopback), else the option default', () => {
    const server = optionPrompts(commandOf(udp, 'server'));
    expect(byName(server, 'host')).toMatchObject({ defaultValue: '127.0.0.1' });
    expect(byName(server, 'port')).toMatchObject({ defaultValue: '65432' });
    expect(byName(server, 'reply')).toMatchObject({ defaultValue: undefined });
  });

  it("says why it proposes loopback where the command's own default is another (udp server --host)", () => {
    const host = byName(optionPrompts(commandOf(udp, 'server')), 'host');
    expect(host.message).toBe(
      "--host: address to bind (the command's own default is the address this machine's host name resolves to, like the seed; 127.0.0.1 keeps it on loopback)",
    );
    // The command line's own default stays the seed's: its help says so unchanged.
    expect(udp.commands.find((c) => c.name === 'server')?.options.host?.help).toMatch(
      /\(default: the address this machine's host name resolves to, like the seed\)$/,
    );
    // Where both defaults agree, or the option has none of its own, the help is as written.
    expect(byName(optionPrompts(commandOf(udp, 'client')), 'host').message).toBe(
      'host: server host name or IP address',
    );
    const proposed = defineCommand({
      name: 'c',
      summary: 'c',
      options: {
        size: { type: 'number', kind: 'bytes', default: 64, help: 'bytes', wizard: { default: 8 } },
      },
      async *run() {},
    });
    expect(optionPrompts(proposed)[0]?.message).toBe(
      "--size: bytes (the command's own default is 64; the wizard proposes 8)",
    );
  });

  it('does not ask options marked wizard: false', () => {
    const names = optionPrompts(commandOf(tcp, 'server')).map((p) => p.name);
    expect(names).toContain('idle-timeout');
    expect(names).not.toContain('drain-timeout');
  });

  it('asked again, a previous answer is typed in, and clearing it unsets the option', () => {
    const prompts = optionPrompts(commandOf(tcp, 'client'), { file: '/etc/hostname', size: '10' });
    expect(byName(prompts, 'file')).toMatchObject({
      initialValue: '/etc/hostname',
      defaultValue: undefined,
    });
    expect(byName(prompts, 'size')).toMatchObject({ initialValue: '10', defaultValue: undefined });
    // Not answered before: nothing typed in, the default as before.
    expect(byName(prompts, 'host')).toMatchObject({ defaultValue: '127.0.0.1' });
    expect(byName(prompts, 'host')).not.toHaveProperty('initialValue');
  });

  it('refuses bad values with the reason, and accepts empty answers that have a default', () => {
    const prompts = optionPrompts(commandOf(udp, 'client'));
    const port = byName(prompts, 'port') as Extract<OptionPrompt, { kind: 'text' }>;
    expect(port.message).toContain('(1-65535)');
    expect(port.validate('70000')).toBe('Cannot parse port "70000": port must be 1-65535');
    expect(port.validate('abc')).toMatch(/^Cannot parse port "abc"/);
    expect(port.validate('5000')).toBeUndefined();
    expect(port.validate('')).toBeUndefined();
    const retries = byName(prompts, 'retries') as Extract<OptionPrompt, { kind: 'text' }>;
    expect(retries.validate('1001')).toMatch(/0-1000/);
    // "-" would read standard input, the wizard's own terminal: refused at the prompt.
    for (const command of [commandOf(udp, 'client'), commandOf(tcp, 'client')]) {
      const message = byName(optionPrompts(command), 'message') as Extract<
        OptionPrompt,
        { kind: 'text' }
      >;
      expect(message.validate('-')).toBe(
        '"-" reads standard input, which is this terminal here: type the message itself',
      );
      expect(message.validate('-x')).toBeUndefined();
    }
  });

  it('an optional choice without default can stay unset', () => {
    const command = defineCommand({
      name: 'c',
      summary: 'c',
      options: { proto: { type: 'string', choices: ['tcp', 'udp'], help: 'which' } },
      async *run() {},
    });
    expect(optionPrompts(command)).toEqual([
      {
        kind: 'select',
        name: 'proto',
        message: '--proto: which',
        initialValue: '',
        options: [
          { value: '', label: '(not set)' },
          { value: 'tcp', label: 'tcp' },
          { value: 'udp', label: 'udp' },
        ],
      },
    ]);
  });
});

const said: unknown[] = [];
const fakePlugin = definePlugin({
  name: 'fake',
  summary: 'a third-party plugin',
  commands: [
    defineCommand({
      name: 'say',
      summary: 'says what it was given',
      options: {
        host: {
          type: 'string',
          kind: 'host',
          positional: 0,
          required: true,
          help: 'where',
          wizard: { default: '127.0.0.1' },
        },
        count: { type: 'number', kind: 'count', min: 1, max: 5, default: 1, help: 'how many' },
        mode: { type: 'string', choices: ['plain', 'fancy'], default: 'plain', help: 'how' },
        loud: { type: 'boolean', help: 'shout' },
        secret: { type: 'string', help: 'never asked', wizard: false },
      } satisfies OptionSpecs,
      async *run(options) {
        said.push(options);
        const event = createEventClock();
        yield event('send', { proto: 'fake', bytes: 3 });
        yield event('info', {
          message: `said ${options.count} ${options.mode} to ${options.host}`,
        });
      },
    }),
    defineCommand({
      name: 'pick',
      summary: 'two flags that conflict',
      options: {
        left: { type: 'boolean', help: 'go left' },
        right: { type: 'boolean', help: 'go right' },
      },
      check(options) {
        if (options.left && options.right) throw new UsageError('Cannot go left and right at once');
      },
      async *run(options) {
        said.push(options);
        yield createEventClock()('info', { message: 'picked' });
      },
    }),
  ],
});

describe('askOptions with injected streams', () => {
  it('shows the default, refuses an out-of-range number inline, and takes the corrected one', async () => {
    const term = fakeTerminal();
    const answers = askOptions(optionPrompts(commandOf(fakePlugin, 'say')), term);
    await term.waitFor(/host: where[\s\S]*127\.0\.0\.1/);
    term.type(keys.enter);
    await term.waitFor(/--count: how many \(1-5\)[\s\S]*1/);
    term.type('9', keys.enter);
    await term.waitFor(/Cannot parse --count "9": must be a whole number 1-5/);
    term.type(keys.backspace, '3', keys.enter);
    await term.waitFor(/--mode: how/);
    term.type(keys.down, keys.enter);
    await term.waitFor(/--loud: shout/);
    term.type('y');
    expect(await answers).toEqual({ host: '127.0.0.1', count: '3', mode: 'fancy', loud: true });
    expect(term.text()).not.toContain('never asked');
  });

  it('at 80 columns every line of every prompt, and of an error, stays inside the frame', async () => {
    const term = fakeTerminal(80);
    const answers = askOptions(optionPrompts(commandOf(tcp, 'server')), term);
    await term.waitFor(/--host:/);
    term.type(keys.enter);
    await term.waitFor(/--port:/);
    term.type('0', keys.enter);
    await term.waitFor(/--once:/);
    term.type(keys.enter);
    await term.waitFor(/--max-connections:/);
    term.type(keys.enter);
    await term.waitFor(/--idle-timeout:/);
    term.type('-', keys.enter);
    await term.waitFor(/Cannot parse --idle-timeout/);
    term.type(keys.backspace, keys.enter);
    await term.waitFor(/--quiet:/);
    term.type(keys.enter);
    expect(await answers).toMatchObject({ port: '0', once: false, 'idle-timeout': '0' });
    // Long helps wrap onto lines of their own behind the bar, and the error under its start.
    const lines = term.text().split('\n');
    expect(lines).toContain('│  interface)');
    expect(lines).toContain('│  and closed at once (>= 1)');
    expect(lines).toContain('│  (0-2147483647)');
    expect(lines).toContain('   0-2147483647');
    // Nothing runs past the edge (the terminal wrapped such lines under no bar).
    for (const row of term.rows()) expect(row.length, row).toBeLessThanOrEqual(80);
  });

  it('without colour a text prompt says its default, and shows no placeholder to mistake for typed text', async () => {
    const term = fakeTerminal();
    const prompts = optionPrompts(commandOf(fakePlugin, 'say'));
    const answers = askOptions(prompts, { ...term, color: false });
    await term.waitFor(/◆ {2}host: where \(default 127\.0\.0\.1\)\n│ {2}█\n/);
    term.type(keys.enter);
    await term.waitFor(/◇ {2}host: where \(default 127\.0\.0\.1\)\n│ {2}127\.0\.0\.1\n/);
    await term.waitFor(/◆ {2}--count: how many \(1-5\) \(default 1\)\n│ {2}█\n/);
    term.type('2', keys.enter);
    await term.waitFor(/--mode/);
    term.type(keys.enter);
    await term.waitFor(/--loud/);
    term.type(keys.enter);
    expect(await answers).toEqual({ host: '127.0.0.1', count: '2', mode: 'plain', loud: false });
    // With colour the default is the dim placeholder, as clack draws it.
    const colored = fakeTerminal();
    const again = askOptions(prompts, colored);
    await colored.waitFor(/◆ {2}host: where\n│ {2}127\.0\.0\.1\n/);
    colored.type(keys.ctrlC);
    expect(await again).toBeUndefined();
  });

  it("without colour the udp server's --host prompt says both defaults without contradicting itself", async () => {
    const term = fakeTerminal();
    const prompts = optionPrompts(commandOf(udp, 'server'));
    const answers = askOptions(prompts, { ...term, color: false });
    await term.waitFor(/port: UDP port/);
    term.type(keys.enter);
    await term.waitFor(/keeps it on loopback\) \(default 127\.0\.0\.1\)\n│ {2}█\n/);
    term.type(keys.ctrlC);
    expect(await answers).toBeUndefined();
    // The prompt's wrapped lines read as one.
    expect(term.text().replace(/\n│ {2}(?!█)/g, ' ')).toContain(
      "◆  --host: address to bind (the command's own default is the address this machine's host name resolves to, like the seed; 127.0.0.1 keeps it on loopback) (default 127.0.0.1)\n│  █",
    );
    expect(term.text()).not.toContain('(default: the address');
  });

  it('Ctrl-C at a prompt cancels', async () => {
    const term = fakeTerminal();
    const answers = askOptions(optionPrompts(commandOf(fakePlugin, 'say')), term);
    await term.waitFor(/host: where/);
    term.type(keys.ctrlC);
    expect(await answers).toBeUndefined();
  });
});

describe('runWizard with injected streams', () => {
  const registry = registryOf([fakePlugin]);

  it('picks a command, asks its options, runs it and prints the one-line command', async () => {
    said.length = 0;
    const term = fakeTerminal();
    const io = createMemoryIO({ isTTY: { stdin: true, stdout: true }, env: { NO_COLOR: '1' } });
    const code = runWizard(registry, io, term);
    await term.waitFor(/What do you want to run\?[\s\S]*socklab fake say/);
    term.type(keys.enter);
    await term.waitFor(/host: where/);
    term.type('::1', keys.enter);
    await term.waitFor(/--count/);
    term.type('2', keys.enter);
    await term.waitFor(/--mode/);
    term.type(keys.enter);
    await term.waitFor(/--loud/);
    term.type(keys.enter);
    expect(await code).toBe(0);
    expect(said).toEqual([
      { host: '::1', count: 2, mode: 'plain', loud: false, secret: undefined },
    ]);
    expect(io.out).toContain('│  said 2 plain to ::1\n');
    // NO_COLOR: the default is said in the message, not shown as a placeholder.
    expect(term.text()).toContain('◇  host: where (default 127.0.0.1)\n│  ::1');
    // Events without a message are shown as trace lines.
    expect(io.out).toMatch(/│ {2}send fake 3 B \+[\d.]+ ms\n/);
    expect(term.text()).toContain(
      'To run it again without the wizard:\n   socklab fake say ::1 --count 2',
    );
    expect(io.listeners()).toBe(0);
  });

  it('conflicting answers are refused with the reason and asked again', async () => {
    said.length = 0;
    const term = fakeTerminal();
    const io = createMemoryIO({ isTTY: { stdin: true, stdout: true } });
    const code = runWizard(registry, io, term);
    await term.waitFor(/What do you want to run\?/);
    term.type(keys.down, keys.enter);
    await term.waitFor(/--left/);
    term.type('y');
    await term.waitFor(/--right/);
    term.type('y');
    await term.waitFor(
      /Cannot go left and right at once: answer again \(clear an answer to unset it\)[\s\S]*--left/,
    );
    term.type('y');
    await term.waitFor(/--right/);
    term.type('n');
    expect(await code).toBe(0);
    expect(said).toEqual([{ left: true, right: false }]);
    expect(term.text()).toContain('   socklab fake pick --left');
  });

  it('Esc at the first prompt ends with 130 and runs nothing', async () => {
    said.length = 0;
    const term = fakeTerminal();
    const io = createMemoryIO({ isTTY: { stdin: true, stdout: true } });
    const code = runWizard(registry, io, term);
    await term.waitFor(/What do you want to run\?/);
    term.type(keys.escape);
    expect(await code).toBe(130);
    expect(said).toEqual([]);
    expect(term.text()).toContain('Cancelled: nothing was run.');
  });

  it('Ctrl-C at an option prompt ends with 130 and runs nothing', async () => {
    said.length = 0;
    const term = fakeTerminal();
    const io = createMemoryIO({ isTTY: { stdin: true, stdout: true } });
    const code = runWizard(registry, io, term);
    await term.waitFor(/What do you want to run\?/);
    term.type(keys.enter);
    await term.waitFor(/host: where/);
    term.type(keys.ctrlC);
    expect(await code).toBe(130);
    expect(said).toEqual([]);
    expect(io.out).toBe('');
  });

  it('Ctrl-D at a prompt cancels like Ctrl-C (it used to end the wizard silently with 0)', async () => {
    for (const where of [/What do you want to run\?/, /host: where/]) {
      said.length = 0;
      const term = fakeTerminal();
      const io = createMemoryIO({ isTTY: { stdin: true, stdout: true } });
      const code = runWizard(registry, io, term);
      await term.waitFor(/What do you want to run\?/);
      if (where.source.startsWith('host')) {
        term.type(keys.enter);
        await term.waitFor(where);
      }
      term.type(keys.ctrlD);
      expect(await code).toBe(130);
      expect(term.text()).toContain('Cancelled: nothing was run.');
      expect(said).toEqual([]);
    }
  });

  it('Ctrl-D at a later prompt draws what Ctrl-C draws (no blank line per earlier prompt)', async () => {
    const drawn: Record<string, string> = {};
    for (const [name, key] of [
      ['ctrlC', keys.ctrlC],
      ['ctrlD', keys.ctrlD],
    ] as const) {
      const term = fakeTerminal();
      const io = createMemoryIO({ isTTY: { stdin: true, stdout: true } });
      const code = runWizard(registry, io, term);
      await term.waitFor(/What do you want to run\?/);
      term.type(keys.enter);
      await term.waitFor(/host: where/);
      term.type(keys.enter);
      await term.waitFor(/--count/);
      term.type(keys.enter);
      await term.waitFor(/--mode/);
      term.type(keys.enter);
      await term.waitFor(/--loud/);
      term.type(key);
      expect(await code).toBe(130);
      // Whatever a late abort draws, drawn too.
      await new Promise((resolve) => setTimeout(resolve, 50));
      drawn[name] = term.text();
    }
    expect(drawn.ctrlD).toContain('Cancelled: nothing was run.');
    expect(drawn.ctrlD).toBe(drawn.ctrlC);
  });

  it("prompts leave no listener behind on the wizard's signal (Node warned past ten)", async () => {
    const many: OptionSpecs = {};
    for (let i = 0; i < 12; i++) many[`opt${i}`] = { type: 'boolean', help: `flag ${i}` };
    const command = defineCommand({
      name: 'many',
      summary: 'many',
      options: many,
      run: async function* () {},
    });
    const term = fakeTerminal();
    const controller = new AbortController();
    let added = 0;
    let removed = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => {
      added++;
      add(...args);
    }) as typeof add;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      removed++;
      remove(...args);
    }) as typeof remove;
    const answers = askOptions(optionPrompts(command as AnyCommand), { ...term, signal });
    for (let i = 0; i < 12; i++) {
      await term.waitFor(new RegExp(`--opt${i}:`));
      term.type(keys.enter);
    }
    expect(Object.keys((await answers) ?? {})).toHaveLength(12);
    expect(added - removed).toBe(0);
  });
});
