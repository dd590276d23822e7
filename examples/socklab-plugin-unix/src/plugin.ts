import { defineCommand, definePlugin, type Plugin } from '@socklab/core';
import { requestUnix } from './unix-client.ts';
import { serveUnix } from './unix-server.ts';

const server = defineCommand({
  name: 'server',
  summary: 'echo server on a unix domain socket',
  graceful: true,
  examples: ['socklab unix server --path /tmp/socklab.sock'],
  options: {
    path: {
      type: 'string',
      kind: 'path',
      required: true,
      help: 'socket file to create',
      placeholder: 'file',
    },
    once: { type: 'boolean', help: 'serve one connection, then stop' },
    quiet: {
      type: 'boolean',
      help: 'no per-connection lines, only the ready line and the summary',
    },
  },
  run: (options, context) => serveUnix(options, context),
});

const client = defineCommand({
  name: 'client',
  summary: 'send a message to a unix socket echo server and print the reply',
  examples: ['socklab unix client --path /tmp/socklab.sock "Hello, world"'],
  options: {
    path: {
      type: 'string',
      kind: 'path',
      required: true,
      help: "server's socket file",
      placeholder: 'file',
    },
    message: { type: 'string', positional: 0, default: 'Hello, world', help: 'what to send' },
    timeout: {
      type: 'number',
      kind: 'ms',
      min: 1,
      default: 5000,
      help: 'give up after this many milliseconds',
      placeholder: 'ms',
    },
  },
  run: (options, context) => requestUnix(options, context),
});

/** `socklab unix server|client`. */
export const unixPlugin: Plugin = definePlugin({
  name: 'unix',
  summary: 'unix domain socket echo server and client',
  commands: [server, client],
});
