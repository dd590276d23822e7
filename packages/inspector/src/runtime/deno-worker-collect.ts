import { type CollectStrategy, tableError } from '../collect/collect-plan.ts';
import {
  collectShared,
  type ScanWorker,
  type ScanWorkerData,
  type SharedCollectHooks,
} from './shared-collect.ts';
import { type SharedScanResult, scanSource, scanWorkerMinFds } from './shared-fd-scan.ts';

/** Deno: a web Worker (from a blob URL, so it works from dist and sources) shares the fd scan. */
export function createDenoWorkerCollect(
  minFds = scanWorkerMinFds,
  bigAbove = 1000,
): CollectStrategy {
  const hooks: SharedCollectHooks = {
    minFds,
    bigAbove,
    fdCount(path) {
      try {
        return Deno.statSync(path).size;
      } catch {
        return 0;
      }
    },
    startWorker,
    readTableSync(procRoot, table, onText) {
      let text: string | undefined;
      try {
        text = Deno.readTextFileSync(`${procRoot}/net/${table}`);
      } catch (error) {
        text = tableError(error, procRoot, table);
      }
      onText(text, false);
    },
  };
  return (request, fs) => collectShared(request, fs, hooks);
}

export const denoWorkerCollect: CollectStrategy = createDenoWorkerCollect();

// Runs in the worker: Deno's own sync calls, then the result back and close.
const workerBody = `
self.onmessage = (event) => {
  const result = scanSharedFds({
    ...event.data,
    readdir(path) {
      const names = [];
      for (const entry of Deno.readDirSync(path)) names.push(entry.name);
      return names;
    },
    readlink(path) {
      try {
        return Deno.readLinkSync(path);
      } catch {
        return undefined;
      }
    },
  });
  self.postMessage(result);
  self.close();
};
`;

function startWorker(): ScanWorker {
  const url = URL.createObjectURL(
    new Blob([scanSource() + workerBody], { type: 'text/javascript' }),
  );
  const worker = new Worker(url, { type: 'module' });
  URL.revokeObjectURL(url);
  const result = new Promise<SharedScanResult | undefined>((resolve) => {
    worker.onmessage = (event: MessageEvent<SharedScanResult>) => {
      resolve(event.data);
      worker.terminate();
    };
    worker.onerror = (event: Event) => {
      event.preventDefault();
      resolve(undefined);
    };
  });
  return {
    start: (data: ScanWorkerData) => worker.postMessage(data),
    result,
    stop() {
      worker.terminate();
      return undefined;
    },
  };
}
