import { type AnyCommand, defineCommand } from '@socklab/core';
import {
  createEchoServer,
  defaultDrainTimeout,
  defaultEchoPort,
  defaultMaxConnections,
} from './echo-server.ts';

/** `socklab tcp server`: the seed's echo server, grown up. */
export const serverCommand: AnyCommand = defineCommand({
  name: 'server',
  summary:
    'TCP echo server (seed: echo-server.py); serves until Ctrl-C, or one connection with --once',
  options: {
    host: {
      type: 'string',
      kind: 'host',
      default: '127.0.0.1',
      help: 'address to listen on (:: for IPv6 and IPv4, 0.0.0.0 for every IPv4 interface)',
      placeholder: 'address',
    },
    port: {
      type: 'number',
      kind: 'port',
      allowZero: true,
      default: defaultEchoPort,
      help: 'port to listen on',
      placeholder: 'port',
    },
    once: {
      type: 'boolean',
      help: 'serve one connection, echo until the peer closes, then exit (like the seed)',
    },
    'max-connections': {
      type: 'number',
      kind: 'count',
      min: 1,
      default: defaultMaxConnections,
      help: 'connections open at once; beyond it new ones are accepted and closed at once',
      placeholder: 'n',
    },
    'idle-timeout': {
      type: 'number',
      kind: 'ms',
      min: 0,
      default: 0,
      help: 'close a connection after this long without data (0: never)',
      placeholder: 'ms',
    },
    'drain-timeout': {
      type: 'number',
      kind: 'ms',
      min: 0,
      default: defaultDrainTimeout,
      help: 'on Ctrl-C, how long open connections may finish before they are closed',
      placeholder: 'ms',
      wizard: false,
    },
    quiet: {
      type: 'boolean',
      help: 'print only the ready line and the summary (no per-connection lines)',
    },
  },
  examples: [
    'socklab tcp server',
    'socklab tcp server --once',
    'socklab tcp server --port 0 --quiet',
    'socklab tcp server --host :: --idle-timeout 30000',
  ],
  graceful: true,
  run(options, context) {
    return createEchoServer({
      host: options.host,
      port: options.port,
      signal: context.signal,
      once: options.once,
      maxConnections: options['max-connections'],
      idleTimeout: options['idle-timeout'],
      drainTimeout: options['drain-timeout'],
      quiet: options.quiet,
      // Hex dumps of payloads need the per-chunk events that carry them (--json --hex too).
      trace: context.trace === true || context.hex === true,
      ...(context.lookup ? { lookup: context.lookup } : {}),
    });
  },
});
