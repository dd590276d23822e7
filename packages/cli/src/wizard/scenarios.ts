import type { Plugin } from '@socklab/core';
import { type AnyCommand, commandWords } from '../parse.ts';
import type { Registry } from '../registry.ts';

/** One entry of the wizard's first menu: a command of a loaded plugin. */
export interface Scenario {
  plugin: Plugin;
  command: AnyCommand;
  /** `udp client`: the words after `socklab`. */
  words: string;
  label: string;
  hint: string;
  /** `--plugin <specifier>` when that is how the plugin was loaded: the rerun line needs it too. */
  pluginFlag?: string;
}

// The seed's lab reads best in this order, with these names; any other command follows as is.
const known: readonly [words: string, label: string][] = [
  ['udp server', 'UDP server'],
  ['udp client', 'UDP client'],
  ['tcp server', 'TCP echo server'],
  ['tcp client', 'TCP echo client'],
  ['inspect', 'Inspect sockets'],
  ['lab', 'Run the whole lab'],
];
// The CLI's own tools come last: they are not part of the lab.
const tools = new Set(['doctor', 'plugins']);

/** Every command of every loaded plugin, the lab's first, then third-party ones, then tools. */
export function listScenarios(registry: Registry): Scenario[] {
  const all: Scenario[] = [];
  for (const { plugin, source, from } of registry.plugins) {
    for (const command of plugin.commands) {
      const words = commandWords(plugin, command);
      const label = known.find(([w]) => w === words)?.[1] ?? `socklab ${words}`;
      const scenario: Scenario = { plugin, command, words, label, hint: command.summary };
      if (source === '--plugin') scenario.pluginFlag = from;
      all.push(scenario);
    }
  }
  const rank = (s: Scenario) => {
    const index = known.findIndex(([w]) => w === s.words);
    if (index !== -1) return index;
    return tools.has(s.plugin.name) ? known.length + 1 : known.length;
  };
  // Array.prototype.sort is stable: registry order is kept within a rank.
  return all.sort((a, b) => rank(a) - rank(b));
}
