import { definePlugin, type Plugin } from '@socklab/core';
import { inspectCommand } from './inspect-command.ts';

/** The socklab plugin: one command, `socklab inspect`. */
export const inspectorPlugin: Plugin = definePlugin({
  name: 'inspect',
  summary: 'see sockets, their state and owning processes without netstat or lsof',
  version: '0.1.0',
  commands: [inspectCommand],
});

export default inspectorPlugin;
