import { defineCommand, definePlugin } from '@socklab/core';

const lab = defineCommand({
  name: 'lab',
  summary:
    "the whole lab in one run: UDP exchange, TCP echo, and the inspector on the lab's own sockets",
  options: {
    host: {
      type: 'string',
      kind: 'host',
      choices: ['127.0.0.1', '::1'],
      default: '127.0.0.1',
      help: 'loopback address for every socket of the lab',
    },
    timeout: {
      type: 'number',
      kind: 'ms',
      min: 1,
      default: 5000,
      placeholder: 'ms',
      help: 'limit for each step',
    },
  },
  examples: ['socklab lab', 'socklab lab --trace', 'socklab lab --json', 'socklab lab --host ::1'],
  async *run(options, context) {
    // The lab's code loads when it runs, not when help or the wizard lists it.
    const { runLab } = await import('./run-lab.ts');
    yield* runLab({ host: options.host, timeout: options.timeout }, context);
  },
});

/** `socklab lab`: built into the CLI, listed in help and the wizard like any plugin. */
export const labPlugin = definePlugin({
  name: 'lab',
  summary: "the seed's whole lab on loopback, with the inspector watching",
  commands: [lab],
});
