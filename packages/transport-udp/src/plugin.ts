import {
  bytesToTextLenient,
  createEventClock,
  defineCommand,
  definePlugin,
  type Plugin,
  readStdin,
  textToBytes,
  UsageError,
} from '@socklab/core';
import { exchange, seedBufferSize } from './send-and-receive.ts';
import { defaultReply, defaultServerPort, serveUdp } from './serve-udp.ts';

const server = defineCommand({
  name: 'server',
  summary: 'receive a datagram, print it and reply (the seed udp_server.py)',
  options: {
    port: {
      type: 'number',
      kind: 'port',
      allowZero: true,
      positional: 0,
      default: defaultServerPort,
      help: 'UDP port to listen on',
    },
    host: {
      type: 'string',
      kind: 'host',
      placeholder: 'address',
      help: "address to bind (default: the address this machine's host name resolves to, like the seed)",
      wizard: { default: '127.0.0.1' },
    },
    keep: { type: 'boolean', help: 'keep serving until Ctrl-C, then print a summary' },
    reply: {
      type: 'string',
      kind: 'text',
      placeholder: 'text',
      help: `reply with this text (default "${defaultReply}")`,
    },
    echo: { type: 'boolean', help: 'reply with the bytes received' },
    quiet: { type: 'boolean', help: 'no lines per datagram; the summary only' },
  },
  examples: ['socklab udp server', 'socklab udp server 5000 --host 127.0.0.1 --keep --echo'],
  graceful: true,
  check(options) {
    if (options.echo && options.reply !== undefined) {
      throw new UsageError(
        'Cannot use --reply and --echo together',
        'pick one: --echo replies with what came in',
      );
    }
  },
  async *run(options, context) {
    yield* serveUdp({
      ...options,
      signal: context.signal,
      trace: context.trace,
      lookup: context.lookup,
    });
  },
});

const client = defineCommand({
  name: 'client',
  summary: 'send one datagram and print the reply (the seed udp_client.py)',
  options: {
    host: {
      type: 'string',
      kind: 'host',
      positional: 0,
      required: true,
      help: 'server host name or IP address',
      wizard: { default: '127.0.0.1' },
    },
    port: {
      type: 'number',
      kind: 'port',
      positional: 1,
      required: true,
      help: 'server UDP port',
      wizard: { default: defaultServerPort },
    },
    message: {
      type: 'string',
      kind: 'text',
      positional: 2,
      required: true,
      help: 'text to send ("-" reads the datagram from standard input)',
      validate: (text) => (text === '' ? 'message is empty: give some text to send' : undefined),
      wizard: { default: 'Hello, world' },
    },
    timeout: {
      type: 'number',
      kind: 'ms',
      min: 1,
      default: 3000,
      placeholder: 'ms',
      help: 'how long each attempt waits for the reply',
    },
    retries: {
      type: 'number',
      kind: 'count',
      min: 0,
      max: 1000,
      default: 0,
      placeholder: 'n',
      help: 'send again this many times when no reply comes (with backoff)',
    },
  },
  examples: [
    'socklab udp client 127.0.0.1 65432 "Hello"',
    'socklab udp client localhost 5000 hi --timeout 500 --retries 3',
    'printf hello | socklab udp client 127.0.0.1 65432 -',
  ],
  async *run(options, context) {
    const event = createEventClock();
    const data = options.message === '-' ? await readStdin(context) : textToBytes(options.message);
    if (data.length === 0)
      throw new UsageError(
        'Cannot send an empty datagram: standard input had no bytes',
        'pipe the message in, or give it as text',
      );
    const run = exchange({ address: options.host, port: options.port }, data, {
      signal: context.signal,
      timeout: options.timeout,
      retries: options.retries,
      lookup: context.lookup,
      bufferSize: seedBufferSize,
      clock: event,
    });
    let step = await run.next();
    try {
      for (; !step.done; step = await run.next()) {
        const { value } = step;
        // The seed's line goes on the reply's event, where the user expects it.
        yield value.type === 'recv' && value.payload
          ? { ...value, message: `Message from server: ${bytesToTextLenient(value.payload)}` }
          : value;
      }
    } finally {
      // Stopped early by our consumer: let the exchange close its sockets.
      if (!step.done) await run.return(undefined as never);
    }
    const reply = step.value;
    if (reply.truncated) {
      yield event('info', {
        proto: 'udp',
        remote: reply.from,
        bytes: reply.size,
        reason: 'truncated',
        message: `notice: the reply had ${reply.size} bytes; only the first ${seedBufferSize} were kept (the seed's receive buffer)`,
        notice: true,
      });
    }
  },
});

/** `socklab udp server` and `socklab udp client`. */
export const udpPlugin: Plugin = definePlugin({
  name: 'udp',
  summary: "UDP client and server, the seed's udp_client.py / udp_server.py",
  commands: [server, client],
});
