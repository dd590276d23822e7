import { createEventClock, defineCommand, definePlugin, type Plugin } from '@socklab/core';
import { positionalUsage } from '../parse.ts';
import type { LoadedPlugin, Registry } from '../registry.ts';

/** `socklab plugins`, reading the registry it is part of. */
export function createPluginsPlugin(getRegistry: () => Registry): Plugin {
  const plugins = defineCommand({
    name: 'plugins',
    summary: 'list plugins, built-in and installed, and the ones that failed to load',
    options: {},
    examples: ['socklab plugins', 'socklab plugins --json'],
    async *run() {
      const event = createEventClock();
      const registry = getRegistry();
      for (const loaded of registry.plugins) {
        const commands = loaded.plugin.commands.map((c) =>
          [
            c.name === loaded.plugin.name ? c.name : `${loaded.plugin.name} ${c.name}`,
            positionalUsage(c),
          ]
            .filter(Boolean)
            .join(' '),
        );
        yield event('info', {
          message: [
            `${loaded.plugin.name}${loaded.version ? ` ${loaded.version}` : ''}  (${sourceLabel(loaded)})`,
            `  ${loaded.plugin.summary}`,
            ...commands.map((c) => `    socklab ${c}`),
          ].join('\n'),
          details: {
            name: loaded.plugin.name,
            version: loaded.version ?? null,
            source: loaded.source,
            from: loaded.from,
            commands,
            broken: false,
          },
        });
      }
      for (const broken of registry.broken) {
        yield event('info', {
          message: `${broken.name}  broken (${sourceLabel(broken)}): ${broken.error}`,
          details: {
            name: broken.name,
            source: broken.source,
            from: broken.from,
            broken: true,
            error: broken.error,
          },
        });
      }
      // Listed, and still a failure: a script (CI) checking its plugins sees it in the exit code.
      const names = registry.broken.map((b) => b.from);
      if (names.length > 0) {
        throw Object.assign(
          new Error(
            `${names.length === 1 ? '1 plugin' : `${names.length} plugins`} did not load: ${names.join(', ')} (the reasons are listed above)`,
          ),
          { code: 'EPLUGIN' },
        );
      }
    },
  });
  return definePlugin({
    name: 'plugins',
    summary: 'list the plugins socklab found',
    commands: [plugins],
  });
}

function sourceLabel(entry: Pick<LoadedPlugin, 'source' | 'from'>): string {
  if (entry.source === 'built-in') return 'built-in';
  if (entry.source === 'node_modules') return `node_modules: ${entry.from}`;
  if (entry.source === 'env') return `SOCKLAB_PLUGINS: ${entry.from}`;
  return `--plugin ${entry.from}`;
}
