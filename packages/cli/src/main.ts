import { ownCandidates } from './builtin/own-plugins.ts';
import { createPluginsPlugin } from './builtin/plugins.ts';
import { exitCodes } from './exit-codes.ts';
import type { CliIO } from './io-output.ts';
import { type Invocation, parseInvocation } from './parse.ts';
import { extractPluginFlags, hasDebugFlag } from './plugin-flags.ts';
import {
  builtinCandidates,
  type LoadRegistryOptions,
  loadRegistry,
  type PluginCandidate,
  type Registry,
} from './registry.ts';
import { cliVersion } from './version.ts';

/** Test seams: which built-ins to load and where to look for installed plugins. */
export type MainOverrides = Partial<Pick<LoadRegistryOptions, 'builtins' | 'searchFrom'>>;

const noPlugins: Registry = { plugins: [], broken: [], find: () => undefined };

/**
 * Runs `socklab <argv>` and resolves to the exit code. Prints only through `io` (default: the
 * real process, processIO).
 */
export async function main(
  argv: readonly string[],
  given?: CliIO,
  overrides: MainOverrides = {},
): Promise<number> {
  const io = given ?? (await processIOOf());
  let code: number;
  try {
    code = await run(argv, io, overrides);
  } finally {
    // Output still on its way to a slow reader (Deno writes asynchronously) is not cut off.
    await io.flush?.();
  }
  const failure = io.outputFailure?.();
  if (failure === undefined) return code;
  const { escapeLine } = await import('./render/escape-controls.ts');
  io.stderr(
    `${escapeLine(`socklab: Cannot write standard output: ${failure}; check where it goes (a full disk, a device that went away)`)}\n`,
  );
  return exitCodes.failure;
}

async function run(argv: readonly string[], io: CliIO, overrides: MainOverrides): Promise<number> {
  const debug = hasDebugFlag(argv);
  try {
    let split: ReturnType<typeof extractPluginFlags>;
    try {
      split = extractPluginFlags(argv);
    } catch (error) {
      const { usageLine } = await import('./failure.ts');
      io.stderr(`${usageLine(error, [])}\n`);
      return exitCodes.usage;
    }
    const builtins = [...(overrides.builtins ?? builtinCandidates()), ...ownCandidates()];
    // Start-up time matters (socklab inspect vs ss): load no more plugins than the words need.
    const scope = loadScope(split.rest, builtins);
    let invocation: Invocation;
    let registry = noPlugins;
    if (typeof scope === 'object') invocation = scope.invocation;
    else {
      registry = await createRegistry(io, split.specifiers, builtins, overrides, scope);
      // A built-in that failed to load: whatever else holds its name decides, as with everything loaded.
      if (scope !== undefined && !registry.find(scope))
        registry = await createRegistry(io, split.specifiers, builtins, overrides);
      invocation = parseInvocation(split.rest, registry);
    }
    switch (invocation.kind) {
      case 'help': {
        const { helpText } = await import('./help.ts');
        io.stdout(helpText(registry, invocation.path));
        return exitCodes.ok;
      }
      case 'version':
        io.stdout(`${cliVersion()}\n`);
        return exitCodes.ok;
      case 'error': {
        const { failureEvent, usageLine, wantsJSON, writeDebug } = await import('./failure.ts');
        const { escapeLine } = await import('./render/escape-controls.ts');
        const line =
          invocation.exitCode === exitCodes.usage
            ? usageLine(invocation.error, invocation.path)
            : escapeLine(
                `socklab: ${invocation.error.message}${invocation.error.hint ? `; ${invocation.error.hint}` : ''}`,
              );
        if (wantsJSON(argv) && !ownsJSON(registry, invocation.path))
          io.stdout(`${JSON.stringify(failureEvent(invocation.error, line, 0))}\n`);
        io.stderr(`${line}\n`);
        if (debug) writeDebug(io, invocation.error);
        return invocation.exitCode;
      }
      case 'wizard':
        return await startWizard(registry, io);
      case 'run': {
        const { executeCommand } = await import('./execute.ts');
        return await executeCommand({
          io,
          plugin: invocation.loaded.plugin,
          command: invocation.command,
          options: invocation.options,
          flags: invocation.flags,
          argv,
        });
      }
    }
  } catch (error) {
    // A bug in socklab itself: still one line, the stack only with --debug.
    const { escapeLine } = await import('./render/escape-controls.ts');
    io.stderr(`${escapeLine(`socklab: ${(error as Error)?.message ?? String(error)}`)}\n`);
    if (debug) (await import('./failure.ts')).writeDebug(io, error);
    return exitCodes.failure;
  }
}

/**
 * Which plugins the words need: none (`--version`, or a bad root flag: the answer is already
 * known), only the built-in the first word names, or all of them (help, the wizard, `plugins`,
 * any other name: third-party commands and "did you mean" need the full list).
 */
function loadScope(
  rest: readonly string[],
  builtins: readonly PluginCandidate[],
): { invocation: Invocation } | string | undefined {
  const terminator = rest.indexOf('--');
  const head = terminator === -1 ? rest : rest.slice(0, terminator);
  const first = head.find((arg) => !arg.startsWith('-') || arg === '-');
  if (first === undefined) {
    const invocation = parseInvocation(rest, noPlugins);
    return invocation.kind === 'version' || invocation.kind === 'error'
      ? { invocation }
      : undefined;
  }
  return builtins.some((candidate) => candidate.provides === first) ? first : undefined;
}

async function createRegistry(
  io: CliIO,
  specifiers: string[],
  builtins: readonly PluginCandidate[],
  overrides: MainOverrides,
  only?: string,
): Promise<Registry> {
  let registry: Registry | undefined;
  registry = await loadRegistry({
    cwd: io.cwd,
    env: io.env,
    specifiers,
    builtins,
    internal: [createPluginsPlugin(() => registry as Registry)],
    only,
    ...(overrides.searchFrom ? { searchFrom: overrides.searchFrom } : {}),
  });
  return registry;
}

/** No arguments: the wizard in a terminal; otherwise help on stderr and exit 2. */
async function startWizard(registry: Registry, io: CliIO): Promise<number> {
  const { helpText } = await import('./help.ts');
  if (!(io.isTTY.stdin && io.isTTY.stdout)) {
    const which = io.isTTY.stdin
      ? 'stdout is not one'
      : io.isTTY.stdout
        ? 'stdin is not one'
        : 'neither stdin nor stdout is one';
    io.stderr(helpText(registry, []));
    io.stderr(
      `socklab: the wizard needs a terminal (${which}); run a command above, e.g. socklab tcp server --help\n`,
    );
    return exitCodes.usage;
  }
  const { runWizard } = await import('./wizard/index.ts');
  return runWizard(registry, io);
}

/** processIO, imported for this runtime alone: on Deno, no node: module (io-deno.ts). */
async function processIOOf(): Promise<CliIO> {
  if ('Deno' in globalThis) return (await import('./io-deno.ts')).denoIO();
  return (await import('./io.ts')).processIO();
}

/** A command with its own --json (`inspect`: one JSON array) prints no NDJSON error event. */
function ownsJSON(registry: Registry, path: readonly string[]): boolean {
  const plugin = registry.find(path[0] ?? '')?.plugin;
  const name = path[1] ?? path[0];
  const command = plugin?.commands.find((c) => c.name === name);
  return command !== undefined && Object.hasOwn(command.options, 'json');
}
