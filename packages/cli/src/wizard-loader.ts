import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WizardModule } from './wizard/contract.ts';

/** The wizard module when it exists (same extension as this file: .ts from sources, .js from dist). */
export async function loadWizard(): Promise<WizardModule | undefined> {
  const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  const url = new URL(`./wizard/index.${extension}`, import.meta.url);
  if (!existsSync(fileURLToPath(url.href))) return undefined;
  const module = (await import(url.href)) as Partial<WizardModule>;
  return typeof module.runWizard === 'function' ? (module as WizardModule) : undefined;
}
