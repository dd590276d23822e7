import { execFile } from 'node:child_process';

/** Runs a platform tool and returns its stdout. Injected in tests; never through a shell. */
export type RunTool = (file: string, args: readonly string[]) => Promise<string>;

/** execFile with fixed arguments (no shell, no user input in argv), 64 MiB of output at most. */
export const runTool: RunTool = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, [...args], { maxBuffer: 64 << 20, windowsHide: true }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });
