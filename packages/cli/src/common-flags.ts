import type { OptionSpecs } from '@socklab/core';

/** Flags every command accepts. A command's own option of the same name wins. */
export const commonFlags = {
  json: { type: 'boolean', help: 'print events as NDJSON, one JSON object per line' },
  trace: {
    type: 'boolean',
    help: 'print one line per event: type, endpoints, bytes, time since start',
  },
  hex: { type: 'boolean', help: 'add hex dumps of payloads (with --trace or --json)' },
  debug: { type: 'boolean', help: 'show stack traces on errors' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
  version: { type: 'boolean', short: 'V', help: 'print the version' },
} as const satisfies OptionSpecs;

export type CommonFlagName = keyof typeof commonFlags;

/** How events are shown and errors reported, from the common flags. */
export interface OutputFlags {
  json: boolean;
  trace: boolean;
  hex: boolean;
  debug: boolean;
}

/** Root-only: loads a plugin before anything else; repeatable. */
export const pluginFlagHelp =
  'load a plugin: a file or package folder (path or file: URL), or a package name (repeatable)';
