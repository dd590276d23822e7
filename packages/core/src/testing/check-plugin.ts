import { checkOptionSpecs, commandPath, definePlugin, type Plugin } from '../plugin.ts';

export { reservedOptionNames, reservedShortFlags } from '../plugin.ts';

/**
 * What is wrong with a plugin (the default export of a plugin package): its shape as
 * definePlugin checks it, option descriptors, reserved flags, examples. Empty when it is fine.
 */
export function checkPlugin(plugin: unknown): string[] {
  if (typeof plugin !== 'object' || plugin === null)
    return ['a plugin must be an object made with definePlugin'];
  const candidate = plugin as Partial<Plugin> & { default?: unknown };
  if (candidate.commands === undefined && candidate.default !== undefined) {
    return ['this looks like a module: pass its default export'];
  }
  try {
    definePlugin({ ...(candidate as Plugin) });
  } catch (error) {
    return [(error as Error).message];
  }
  const problems: string[] = [];
  for (const command of candidate.commands ?? []) {
    const where = `command "${command.name}"`;
    if (command.summary === '') problems.push(`${where}: summary is empty`);
    const problem = checkOptionSpecs(command.options);
    if (problem) problems.push(`${where}: ${problem}`);
    if (command.examples !== undefined) {
      const typed = `socklab ${commandPath(candidate as Plugin, command).join(' ')}`;
      if (!Array.isArray(command.examples)) problems.push(`${where}: examples must be a list`);
      else {
        for (const example of command.examples) {
          if (typeof example !== 'string' || !example.includes(typed)) {
            problems.push(`${where}: example ${JSON.stringify(example)} should run "${typed}"`);
          }
        }
      }
    }
  }
  return problems;
}
