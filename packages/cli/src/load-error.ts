import { fileURLToPath } from 'node:url';
import { oneLine } from './registry.ts';

interface BunBuildMessage {
  message?: string;
  position?: { file?: string; line?: number; column?: number } | null;
}

/**
 * Why a plugin did not load, in one line, with the place of a syntax error where the runtime
 * knows it: Bun's build errors carry positions ("3 errors building" alone says nothing), Deno's
 * message has an "at file:…:line:col" line, and Node's SyntaxError from `import()` has none, so
 * `node --check` is asked about the plugin's file (`file`, when it is one).
 */
export async function loadErrorText(error: unknown, file?: string): Promise<string> {
  const e = error as { name?: string; message?: string; errors?: BunBuildMessage[] } | null;
  const first = e?.errors?.find((x) => x?.position?.file);
  if (first?.position) {
    const { file: where, line, column } = first.position;
    const more = (e?.errors?.length ?? 1) - 1;
    return `${first.message ?? 'syntax error'} at ${where}:${line}:${column}${more > 0 ? ` (and ${more} more)` : ''}`;
  }
  const line = oneLine(error);
  const message = typeof e?.message === 'string' ? e.message : '';
  const at = /^\s*at (file:\/\/\S+?|\/\S+?):(\d+):(\d+)\s*$/m.exec(message);
  if (at) {
    const path = at[1]?.startsWith('file:') ? fileURLToPath(at[1]) : at[1];
    return `${line.replace(/^SyntaxError: /, '')} at ${path}:${at[2]}:${at[3]}`;
  }
  if (e?.name === 'SyntaxError' && file && !('Bun' in globalThis) && !('Deno' in globalThis)) {
    const place = await nodeCheck(file);
    if (place) return `${line} at ${place}`;
  }
  return line;
}

/** `node --check file`: "file:4" then the line, then carets under the culprit. */
async function nodeCheck(file: string): Promise<string | undefined> {
  const { spawnSync } = await import('node:child_process');
  const result = spawnSync(process.execPath, ['--check', file], {
    encoding: 'utf8',
    timeout: 5000,
  });
  const lines = (result.stderr ?? '').split('\n');
  const head = /^(.*):(\d+)$/.exec(lines[0] ?? '');
  if (!head || head[1] !== file) return undefined;
  const caret = (lines[2] ?? '').indexOf('^');
  return `${file}:${head[2]}${caret >= 0 ? `:${caret + 1}` : ''}`;
}
