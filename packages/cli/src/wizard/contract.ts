import type { CliIO } from '../io.ts';
import type { Registry } from '../registry.ts';

/**
 * What `src/wizard/index.ts` exports: `socklab` with no arguments in a terminal calls it with
 * the loaded plugins and the CLI's IO, and exits with the code it resolves to (130 on cancel).
 * Run the chosen command with `executeCommand` so exit codes and rendering match the CLI.
 */
export type RunWizard = (registry: Registry, io: CliIO) => Promise<number>;

export interface WizardModule {
  runWizard: RunWizard;
}
