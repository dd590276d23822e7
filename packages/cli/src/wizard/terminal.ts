import process from 'node:process';
import type { Readable, Writable } from 'node:stream';

/** Where the wizard's prompts read keys and draw: the process's terminal, or test streams. */
export interface WizardTerminal {
  input: Readable;
  output: Writable;
}

export function processTerminal(): WizardTerminal {
  return { input: process.stdin, output: process.stdout };
}
