import { definePlugin, type Plugin } from '@socklab/core';
import { clientCommand } from './client-command.ts';
import { serverCommand } from './server-command.ts';

/** The `tcp` plugin: `socklab tcp server` and `socklab tcp client`. */
export const tcpPlugin: Plugin = definePlugin({
  name: 'tcp',
  summary: 'TCP echo server and client (the seed echo-server.py / echo-client.py)',
  version: '0.1.0',
  commands: [serverCommand, clientCommand],
});
