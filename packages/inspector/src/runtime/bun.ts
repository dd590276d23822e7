import { nodeProcFs } from './node.ts';
import type { ProcFs } from './proc-fs.ts';

/** Bun: its node:fs is native and fast for the scan; Bun.file reads /proc tables off-thread. */
export const bunProcFs: ProcFs = {
  ...nodeProcFs,
  readText(path) {
    return Bun.file(path).text();
  },
};

export default bunProcFs;
