import { defineCommand, definePlugin } from '@socklab/core';
import inspector from '@socklab/inspector';
import tcp from '@socklab/transport-tcp';
import udp from '@socklab/transport-udp';
import { describe, expect, it } from 'vitest';
import { registryOf } from '../../test/fixtures.ts';
import { doctorPlugin } from '../builtin/doctor.ts';
import { labPlugin } from '../lab/index.ts';
import { listScenarios } from './scenarios.ts';

const thirdParty = definePlugin({
  name: 'unix',
  summary: 'unix sockets',
  commands: [
    defineCommand({ name: 'server', summary: 'a unix server', options: {}, async *run() {} }),
    defineCommand({ name: 'client', summary: 'a unix client', options: {}, async *run() {} }),
  ],
});

describe('listScenarios', () => {
  it('lists the lab first, then third-party commands, then the CLI tools', () => {
    // Registry order is built-ins, internal, then installed plugins: the menu reorders.
    const registry = registryOf([udp, tcp, inspector, labPlugin, doctorPlugin, thirdParty]);
    expect(listScenarios(registry).map((s) => s.label)).toEqual([
      'UDP server',
      'UDP client',
      'TCP echo server',
      'TCP echo client',
      'Inspect sockets',
      'Run the whole lab',
      'socklab unix server',
      'socklab unix client',
      'socklab doctor',
    ]);
  });

  it('keeps each command with its plugin and summary as the hint', () => {
    const [first] = listScenarios(registryOf([thirdParty]));
    expect(first?.plugin).toBe(thirdParty);
    expect(first?.words).toBe('unix server');
    expect(first?.hint).toBe('a unix server');
  });

  it('a missing built-in is simply absent', () => {
    expect(listScenarios(registryOf([tcp])).map((s) => s.label)).toEqual([
      'TCP echo server',
      'TCP echo client',
    ]);
  });
});
