import { defineCommand, definePlugin } from '@socklab/core';
import tcp from '@socklab/transport-tcp';
import udp from '@socklab/transport-udp';
import { describe, expect, it } from 'vitest';
import { registryOf } from '../../test/fixtures.ts';
import { parseInvocation } from '../parse.ts';
import { commandLine, shellQuote } from './command-line.ts';

const command = (plugin: typeof udp, name: string) =>
  plugin.commands.find((c) => c.name === name) as (typeof udp.commands)[number];

describe('commandLine', () => {
  it('writes required positionals and only the options that differ from their defaults', () => {
    const client = command(udp, 'client');
    expect(
      commandLine(udp, client, {
        host: '127.0.0.1',
        port: 65432,
        message: 'hello',
        timeout: 2000,
        retries: 0,
      }),
    ).toBe('socklab udp client 127.0.0.1 65432 hello --timeout 2000');
  });

  it('a value starting with "-" still reads back as itself (after "--", or as --name=value)', () => {
    const registry = registryOf([udp, tcp]);
    const client = command(tcp, 'client');
    const cases: [Record<string, unknown>, string][] = [
      [
        { host: '127.0.0.1', port: 61720, message: '-x' },
        'socklab tcp client -- 127.0.0.1 61720 -x',
      ],
      [
        { host: '127.0.0.1', port: 5, message: '--help', timeout: 500 },
        'socklab tcp client --timeout 500 -- 127.0.0.1 5 --help',
      ],
    ];
    for (const [values, line] of cases) {
      expect(commandLine(tcp, client, values)).toBe(line);
      const parsed = parseInvocation(line.split(' ').slice(1), registry);
      expect(parsed).toMatchObject({ kind: 'run', options: values });
    }
    const server = command(udp, 'server');
    const reply = commandLine(udp, server, { port: 5000, reply: '-ok', host: '127.0.0.1' });
    expect(reply).toBe('socklab udp server 5000 --host 127.0.0.1 --reply=-ok');
    expect(parseInvocation(reply.split(' ').slice(1), registry)).toMatchObject({
      kind: 'run',
      options: { reply: '-ok', port: 5000 },
    });
  });

  it('shell-quotes values with spaces and quotes', () => {
    const client = command(udp, 'client');
    expect(
      commandLine(udp, client, { host: '::1', port: 5000, message: "it's here", timeout: 3000 }),
    ).toBe(`socklab udp client ::1 5000 'it'\\''s here'`);
  });

  it('leaves out trailing default positionals but keeps earlier ones a later one needs', () => {
    const client = command(tcp, 'client');
    const defaults = { host: '127.0.0.1', port: 65432, message: 'Hello, world', repeat: 1 };
    expect(commandLine(tcp, client, defaults)).toBe('socklab tcp client');
    expect(commandLine(tcp, client, { ...defaults, port: 5000 })).toBe(
      'socklab tcp client 127.0.0.1 5000',
    );
  });

  it('writes flags as --name, and --no-name for a flag on by default turned off', () => {
    const plugin = definePlugin({
      name: 'demo',
      summary: 'demo',
      commands: [
        defineCommand({
          name: 'demo',
          summary: 'demo',
          options: {
            color: { type: 'boolean', default: true, help: 'colours' },
            keep: { type: 'boolean', help: 'keep' },
          },
          async *run() {},
        }),
      ],
    });
    expect(commandLine(plugin, plugin.commands[0], { color: false, keep: true })).toBe(
      'socklab demo --no-color --keep',
    );
    expect(commandLine(plugin, plugin.commands[0], { color: true, keep: false })).toBe(
      'socklab demo',
    );
  });

  it('the server the wizard starts on loopback says so', () => {
    const server = command(udp, 'server');
    expect(commandLine(udp, server, { port: 65432, host: '127.0.0.1', keep: false })).toBe(
      'socklab udp server --host 127.0.0.1',
    );
  });

  it('names the plugin file when the plugin was loaded with --plugin', () => {
    const client = command(udp, 'client');
    const values = { host: 'h', port: 1, message: 'm', timeout: 3000 };
    expect(commandLine(udp, client, values, { pluginFlag: './my plugin.js' })).toBe(
      `socklab --plugin './my plugin.js' udp client h 1 m`,
    );
  });
});

describe('shellQuote', () => {
  it('leaves safe words bare and single-quotes the rest', () => {
    expect(shellQuote('127.0.0.1')).toBe('127.0.0.1');
    expect(shellQuote('[::1]:80')).toBe(`'[::1]:80'`);
    expect(shellQuote('')).toBe(`''`);
    expect(shellQuote('a b')).toBe(`'a b'`);
    expect(shellQuote('$HOME')).toBe(`'$HOME'`);
    expect(shellQuote("don't")).toBe(`'don'\\''t'`);
  });
});
