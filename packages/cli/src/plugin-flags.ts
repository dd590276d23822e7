import { UsageError } from '@socklab/core';

const missingHint = 'give a module file, a package folder, a file: URL or a package name';

/**
 * Takes every `--plugin <specifier>` / `--plugin=<specifier>` out of argv (before `--`): plugins
 * must load before the command can be found.
 */
export function extractPluginFlags(argv: readonly string[]): {
  specifiers: string[];
  rest: string[];
} {
  const specifiers: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === '--plugin') {
      const value = argv[i + 1];
      if (value === undefined || value === '') {
        throw new UsageError('Missing value for --plugin', missingHint);
      }
      specifiers.push(value);
      i++;
    } else if (arg.startsWith('--plugin=')) {
      const value = arg.slice('--plugin='.length);
      if (value === '') throw new UsageError('Missing value for --plugin', missingHint);
      specifiers.push(value);
    } else {
      rest.push(arg);
    }
  }
  return { specifiers, rest };
}

/** `--debug` anywhere before `--`: known before parsing so early errors can show stacks too. */
export function hasDebugFlag(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--debug');
}
