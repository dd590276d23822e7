import { describe, expect, it } from 'vitest';
import type { LabEvent } from './events.ts';
import {
  checkOptionSpecs,
  commandPath,
  defineCommand,
  definePlugin,
  type OptionSpecs,
} from './plugin.ts';

async function* none(): AsyncIterable<LabEvent> {}

const echo = defineCommand({
  name: 'server',
  summary: 'echo server',
  graceful: true,
  options: {
    port: {
      type: 'number',
      kind: 'port',
      help: 'port',
      positional: 0,
      allowZero: true,
      default: 0,
    },
    quiet: { type: 'boolean', help: 'no per-message lines' },
  },
  run(options) {
    // Typed options: port is a number, quiet a boolean.
    const port: number = options.port;
    const quiet: boolean = options.quiet;
    void port;
    void quiet;
    return none();
  },
});

describe('definePlugin', () => {
  it('returns the plugin frozen', () => {
    const plugin = definePlugin({ name: 'echo', summary: 'an echo', commands: [echo] });
    expect(Object.isFrozen(plugin)).toBe(true);
    expect(plugin.commands[0]?.name).toBe('server');
  });

  it.each<[string, unknown, string]>([
    [
      'a bad name',
      { name: 'Echo', summary: 's', commands: [echo] },
      'name must be lowercase letters',
    ],
    ['no summary', { name: 'echo', summary: '', commands: [echo] }, 'summary is missing'],
    ['no commands', { name: 'echo', summary: 's', commands: [] }, 'commands is empty'],
    [
      'a duplicate command',
      { name: 'echo', summary: 's', commands: [echo, echo] },
      'command "server" is defined twice',
    ],
    [
      'no run',
      { name: 'echo', summary: 's', commands: [{ ...echo, run: 1 }] },
      'run must be a function',
    ],
    [
      'bad graceful',
      { name: 'echo', summary: 's', commands: [{ ...echo, graceful: 'yes' }] },
      'graceful must be',
    ],
    [
      'bad check',
      { name: 'echo', summary: 's', commands: [{ ...echo, check: 1 }] },
      'check must be a function',
    ],
    [
      'bad options',
      { name: 'echo', summary: 's', commands: [{ ...echo, options: null }] },
      'options must be an object',
    ],
  ])('rejects %s', (_label, plugin, message) => {
    expect(() => definePlugin(plugin as never)).toThrow(TypeError);
    expect(() => definePlugin(plugin as never)).toThrow(message);
  });

  it('names the plugin and command in the message', () => {
    expect(() =>
      definePlugin({ name: 'echo', summary: 's', commands: [{ ...echo, run: 1 }] } as never),
    ).toThrow('Cannot define plugin "echo": command "server": run must be a function');
  });
});

describe('checkOptionSpecs', () => {
  it.each<[string, unknown, string]>([
    [
      'camelCase names',
      { maxConnections: { type: 'number', help: 'h' } },
      'name must be kebab-case',
    ],
    ['unknown types', { a: { type: 'date', help: 'h' } }, 'type must be string, number or boolean'],
    ['missing help', { a: { type: 'string' } }, 'help is missing'],
    ['unknown kinds', { a: { type: 'string', help: 'h', kind: 'url' } }, 'kind must be one of'],
    [
      'defaults of the wrong type',
      { a: { type: 'number', help: 'h', default: '1' } },
      'default must be a number',
    ],
    [
      'defaults outside choices',
      { a: { type: 'string', help: 'h', choices: ['x'], default: 'y' } },
      'not one of its choices',
    ],
    [
      'out-of-range defaults',
      { a: { type: 'number', kind: 'port', help: 'h', default: 0 } },
      'default 0 is invalid',
    ],
    [
      'choices on numbers',
      { a: { type: 'number', help: 'h', choices: ['1'] } },
      'choices need type string',
    ],
    ['empty choices', { a: { type: 'string', help: 'h', choices: [] } }, 'non-empty list'],
    ['min above max', { a: { type: 'number', help: 'h', min: 5, max: 1 } }, 'min is above max'],
    ['min on strings', { a: { type: 'string', help: 'h', min: 1 } }, 'min must be a finite number'],
    [
      'a taken short',
      {
        a: { type: 'string', help: 'h', short: 'x' },
        b: { type: 'string', help: 'h', short: 'x' },
      },
      'short must be one unused letter',
    ],
    [
      'positional flags',
      { a: { type: 'boolean', help: 'h', positional: 0 } },
      'a flag cannot be positional',
    ],
    ['gaps in positionals', { a: { type: 'string', help: 'h', positional: 1 } }, 'without gaps'],
    [
      'negative positionals',
      { a: { type: 'string', help: 'h', positional: -1 } },
      'positional must be a whole number',
    ],
    [
      'validate that is not a function',
      { a: { type: 'string', help: 'h', validate: 'x' } },
      'validate must be a function',
    ],
    ["the CLI's --help", { help: { type: 'boolean', help: 'h' } }, '--help belongs to the CLI'],
    ["the CLI's --debug", { debug: { type: 'boolean', help: 'h' } }, '--debug belongs to the CLI'],
    [
      "the CLI's --plugin",
      { plugin: { type: 'string', help: 'h' } },
      '--plugin belongs to the CLI',
    ],
    [
      "the CLI's -V",
      { verbose: { type: 'boolean', help: 'h', short: 'V' } },
      '-V belongs to the CLI',
    ],
    ["the CLI's -h", { host: { type: 'string', help: 'h', short: 'h' } }, '-h belongs to the CLI'],
  ])('rejects %s', (_label, specs, problem) => {
    expect(checkOptionSpecs(specs as OptionSpecs)).toContain(problem);
  });

  it('accepts good specs', () => {
    expect(checkOptionSpecs(echo.options)).toBeUndefined();
    expect(
      checkOptionSpecs({
        host: { type: 'string', kind: 'host', help: 'h', default: '127.0.0.1', positional: 0 },
        port: { type: 'number', kind: 'port', help: 'p', positional: 1 },
        style: { type: 'string', help: 's', choices: ['a', 'b'], default: 'a', short: 's' },
      }),
    ).toBeUndefined();
  });
});

describe('commandPath', () => {
  it('uses one word when the command is named like its plugin', () => {
    const plugin = definePlugin({
      name: 'inspect',
      summary: 's',
      commands: [{ name: 'inspect', summary: 's', options: {}, run: none }, echo],
    });
    expect(commandPath(plugin, plugin.commands[0] as never)).toEqual(['inspect']);
    expect(commandPath(plugin, echo as never)).toEqual(['inspect', 'server']);
  });
});
