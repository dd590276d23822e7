import { readFileSync } from 'node:fs';
import { prestartNodeScanWorker } from './runtime/node-scan-worker.ts';
import { scanWorkerMinFds } from './runtime/shared-fd-scan.ts';

/**
 * For `socklab inspect`, called by the CLI's bin before the rest of the CLI loads: on a machine
 * with thousands of open files (so the snapshot will share its /proc fd scan with a worker), that
 * worker boots now, on the other core, while the CLI loads; the snapshot then takes it. Node and
 * Bun only (a Deno worker would keep the process alive if unused); elsewhere, or with few open
 * files, nothing happens. Unused (a --pid filter, a usage error), the worker ends with the process.
 * Synchronous, so that the worker starts before anything else is imported.
 */
export function prestartScanWorker(): void {
  if ('Deno' in globalThis) return;
  try {
    // "allocated  free  max": every open file of the machine, a cheap upper bound of the scan.
    const allocated = Number.parseInt(readFileSync('/proc/sys/fs/file-nr', 'latin1'), 10);
    if (allocated >= scanWorkerMinFds) prestartNodeScanWorker();
  } catch {
    // No /proc (not Linux), or no worker: the snapshot decides for itself.
  }
}
