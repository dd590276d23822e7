export { doctorPlugin } from './builtin/doctor.ts';
export { type DoctorCheck, runDoctorChecks } from './builtin/doctor-checks.ts';
export { createPluginsPlugin } from './builtin/plugins.ts';
export { formatCommandLine, shellQuote } from './command-line.ts';
export { commonFlags, type OutputFlags } from './common-flags.ts';
export { denoLacksUnstableNet, denoRerunHint } from './deno-net.ts';
export { type ExecuteOptions, executeCommand, exitCodes } from './execute.ts';
export { commandHelp, helpText, pluginHelp, rootHelp } from './help.ts';
export { type CliIO, processIO, type StopSignal } from './io.ts';
export { type MainOverrides, main } from './main.ts';
export { createMemoryIO, type MemoryIO } from './memory-io.ts';
export {
  type AnyCommand,
  commandWords,
  type Invocation,
  parseInvocation,
  positionalUsage,
} from './parse.ts';
export {
  type BrokenPlugin,
  builtinCandidates,
  type LoadedPlugin,
  type LoadRegistryOptions,
  loadRegistry,
  type PluginCandidate,
  type PluginSource,
  type Registry,
} from './registry.ts';
export * from './render/index.ts';
export { cliVersion } from './version.ts';
export type { RunWizard, WizardModule } from './wizard/contract.ts';
