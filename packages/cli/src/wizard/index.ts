export { commandLine, shellQuote } from './command-line.ts';
export { askOptions, type OptionPrompt, optionPrompts } from './option-prompts.ts';
export { runWizard } from './run-wizard.ts';
export { listScenarios, type Scenario } from './scenarios.ts';
export type { WizardTerminal } from './terminal.ts';
