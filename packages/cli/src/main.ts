import { doctorPlugin } from './builtin/doctor.ts';
import { createPluginsPlugin } from './builtin/plugins.ts';
import { executeCommand, exitCodes } from './execute.ts';
import { usageLine, writeDebug } from './failure.ts';
import { helpText } from './help.ts';
import { type CliIO, processIO } from './io.ts';
import { labPlugin } from './lab/index.ts';
import { parseInvocation } from './parse.ts';
import { extractPluginFlags, hasDebugFlag } from './plugin-flags.ts';
import { type LoadRegistryOptions, loadRegistry, type Registry } from './registry.ts';
import { cliVersion } from './version.ts';
import { loadWizard } from './wizard-loader.ts';

/** Test seams: which built-ins to load and where to look for installed plugins. */
export type MainOverrides = Partial<Pick<LoadRegistryOptions, 'builtins' | 'searchFrom'>>;

/** Runs `socklab <argv>` and resolves to the exit code. Prints only through `io`. */
export async function main(
  argv: readonly string[],
  io: CliIO = processIO(),
  overrides: MainOverrides = {},
): Promise<number> {
  const debug = hasDebugFlag(argv);
  try {
    let split: ReturnType<typeof extractPluginFlags>;
    try {
      split = extractPluginFlags(argv);
    } catch (error) {
      io.stderr(`${usageLine(error, [])}\n`);
      return exitCodes.usage;
    }
    const registry = await createRegistry(io, split.specifiers, overrides);
    const invocation = parseInvocation(split.rest, registry);
    switch (invocation.kind) {
      case 'help':
        io.stdout(helpText(registry, invocation.path));
        return exitCodes.ok;
      case 'version':
        io.stdout(`${cliVersion()}\n`);
        return exitCodes.ok;
      case 'error':
        io.stderr(
          invocation.exitCode === exitCodes.usage
            ? `${usageLine(invocation.error, invocation.path)}\n`
            : `socklab: ${invocation.error.message}; ${invocation.error.hint}\n`,
        );
        if (debug) writeDebug(io, invocation.error);
        return invocation.exitCode;
      case 'wizard':
        return await startWizard(registry, io);
      case 'run':
        return await executeCommand({
          io,
          plugin: invocation.loaded.plugin,
          command: invocation.command,
          options: invocation.options,
          flags: invocation.flags,
          argv,
        });
    }
  } catch (error) {
    // A bug in socklab itself: still one line, the stack only with --debug.
    io.stderr(`socklab: ${(error as Error)?.message ?? String(error)}\n`);
    if (debug) writeDebug(io, error);
    return exitCodes.failure;
  }
}

async function createRegistry(
  io: CliIO,
  specifiers: string[],
  overrides: MainOverrides,
): Promise<Registry> {
  let registry: Registry | undefined;
  registry = await loadRegistry({
    cwd: io.cwd,
    env: io.env,
    specifiers,
    internal: [labPlugin, doctorPlugin, createPluginsPlugin(() => registry as Registry)],
    ...overrides,
  });
  return registry;
}

/** No arguments: the wizard in a terminal; otherwise help on stderr and exit 2. */
async function startWizard(registry: Registry, io: CliIO): Promise<number> {
  if (!(io.isTTY.stdin && io.isTTY.stdout)) {
    io.stderr(helpText(registry, []));
    return exitCodes.usage;
  }
  const wizard = await loadWizard();
  if (!wizard) {
    io.stdout(helpText(registry, []));
    return exitCodes.ok;
  }
  return wizard.runWizard(registry, io);
}
