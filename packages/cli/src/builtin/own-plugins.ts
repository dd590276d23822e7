import type { PluginCandidate } from '../registry.ts';
import { cliVersion } from '../version.ts';

/** The lab and the doctor, part of the CLI itself, imported only when a command needs them. */
export function ownCandidates(): PluginCandidate[] {
  return [
    own('lab', async () => ({ default: (await import('../lab/lab-plugin.ts')).labPlugin })),
    own('doctor', async () => ({ default: (await import('./doctor.ts')).doctorPlugin })),
  ];
}

function own(provides: string, load: () => Promise<unknown>): PluginCandidate {
  const candidate: PluginCandidate = {
    source: 'built-in',
    from: '@socklab/cli',
    provides,
    load: async () => {
      const module = await load();
      candidate.version = cliVersion();
      return module;
    },
  };
  return candidate;
}
