import { Worker } from 'node:worker_threads';
import type { ScanWorker, ScanWorkerData } from './shared-collect.ts';
import {
  type isDenied,
  type SharedScanResult,
  type scanSharedFds,
  scanSource,
} from './shared-fd-scan.ts';

/**
 * Where a worker started ahead of the snapshot (prestartNodeScanWorker) waits to be taken: on
 * globalThis under a registered symbol, so that a copy of this module in another bundle hands it
 * over (the CLI's bin starts it from a small bundle of its own, before V8 has compiled the CLI's).
 */
const aheadKey = Symbol.for('@socklab/inspector scan worker');
const slot = globalThis as { [aheadKey]?: ScanWorker };

/**
 * Starts the scan worker now, to be taken by the next snapshot that shares its fd scan: it boots
 * (~45 ms of the other core) while the caller still loads. Unused, it ends with the process.
 */
export function prestartNodeScanWorker(): void {
  slot[aheadKey] ??= startNodeScanWorker();
}

/** Node and Bun: the worker started ahead, else a new worker_threads worker. */
export function nodeScanWorker(): ScanWorker {
  const worker = slot[aheadKey] ?? startNodeScanWorker();
  delete slot[aheadKey];
  return worker;
}

function startNodeScanWorker(): ScanWorker {
  const worker = new Worker(
    `${scanSource()}(${workerMain.toString()})(scanSharedFds, isDenied, require);`,
    { eval: true },
  );
  const result = new Promise<SharedScanResult | undefined>((resolve) => {
    worker.once('message', (message: SharedScanResult) => resolve(message));
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
  // After the listeners: adding a 'message' listener refs the worker again.
  worker.unref();
  return {
    start: (data: ScanWorkerData) => worker.postMessage(data),
    // Awaited: the process must stay up until the worker answers (an unref'd worker does not
    // keep it up, and a top-level await would end it with exit 13, nothing written).
    get result() {
      worker.ref();
      return result;
    },
    stop: () => worker.terminate(),
  };
}

/**
 * The worker's code, run from its source text (eval) so it works from dist, sources and bundles
 * alike (`require` comes in as `load`: a bundler would rewrite a free `require`; the scan and
 * isDenied come in by the names scanSource gives them): it boots, waits for its data, and posts
 * back what it could not store in the table.
 */
function workerMain(
  scan: typeof scanSharedFds,
  denied: typeof isDenied,
  load: NodeJS.Require,
): void {
  const { readdirSync, readlinkSync } = load('node:fs') as typeof import('node:fs');
  const { parentPort } = load('node:worker_threads') as typeof import('node:worker_threads');
  parentPort?.once('message', (data: ScanWorkerData) => {
    const result = scan({
      ...data,
      readdir: (path: string) => readdirSync(path),
      readlink: (path: string) => {
        try {
          return readlinkSync(path);
        } catch (error) {
          return denied(error) ? null : undefined;
        }
      },
    });
    parentPort.postMessage(result);
  });
}
