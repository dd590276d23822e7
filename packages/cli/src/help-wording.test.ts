// Help text reads as one voice: summaries and option help start lowercase, end without a period.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../test/helpers/cli.ts';
import { doctorPlugin } from './builtin/doctor.ts';
import { createPluginsPlugin } from './builtin/plugins.ts';
import { labPlugin } from './lab/lab-plugin.ts';
import { builtinCandidates, loadRegistry, type Registry } from './registry.ts';

/** Why a help phrase breaks the house style, or undefined. An all-caps first word (TCP) is fine. */
function wordingProblem(text: string): string | undefined {
  const first = text.split(/[\s,:;(]/)[0] ?? '';
  if (/^[A-Z]/.test(first) && first !== first.toUpperCase()) return 'starts uppercase';
  if (/\.\s*$/.test(text) && !/\.\.\.$/.test(text)) return 'ends with a period';
  if (text.trim() !== text) return 'has surrounding spaces';
  return undefined;
}

describe('help wording', () => {
  it('recognises the problems it looks for', () => {
    expect(wordingProblem('List plugins')).toBe('starts uppercase');
    expect(wordingProblem('list plugins.')).toBe('ends with a period');
    expect(wordingProblem('TCP echo server (seed: echo-server.py)')).toBeUndefined();
    expect(wordingProblem('UDP port to listen on')).toBeUndefined();
  });

  it('every plugin summary, command summary and option help, built-ins and the unix example', async () => {
    let registry: Registry | undefined;
    registry = await loadRegistry({
      cwd: repoRoot,
      builtins: builtinCandidates(),
      internal: [labPlugin, doctorPlugin, createPluginsPlugin(() => registry as Registry)],
      specifiers: [join(repoRoot, 'examples', 'socklab-plugin-unix')],
      searchFrom: [],
    });
    expect(registry.broken).toEqual([]);
    expect(registry.plugins.map((p) => p.plugin.name)).toEqual(
      expect.arrayContaining(['udp', 'tcp', 'inspect', 'lab', 'doctor', 'plugins', 'unix']),
    );
    const problems: string[] = [];
    const check = (where: string, text: string) => {
      const problem = wordingProblem(text);
      if (problem) problems.push(`${where} ${problem}: ${JSON.stringify(text)}`);
    };
    for (const { plugin } of registry.plugins) {
      check(`plugin ${plugin.name}`, plugin.summary);
      for (const command of plugin.commands) {
        const name = `${plugin.name} ${command.name}`;
        check(name, command.summary);
        for (const [option, spec] of Object.entries(
          command.options as Record<string, { help?: string }>,
        ))
          check(`${name} --${option}`, spec.help ?? '');
      }
    }
    expect(problems).toEqual([]);
  });
});
