import { denoWorkerCollect } from './deno-worker-collect.ts';
import type { ProcFs } from './proc-fs.ts';
import { isDenied } from './shared-fd-scan.ts';

/** Deno: its own sync calls (measured about 2x faster than node:fs under Deno for the fd scan). */
export const denoProcFs: ProcFs = {
  readText(path) {
    return Deno.readTextFile(path);
  },
  readTextSync(path) {
    return Deno.readTextFileSync(path);
  },
  listDir(path) {
    const names: string[] = [];
    for (const entry of Deno.readDirSync(path)) names.push(entry.name);
    return names;
  },
  readLink(path) {
    try {
      return Deno.readLinkSync(path);
    } catch (error) {
      return isDenied(error) ? null : undefined;
    }
  },
  collect: denoWorkerCollect,
};

export default denoProcFs;
