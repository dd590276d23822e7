import type { CollectStrategy } from '../collect/collect-plan.ts';
import { denoLinkReader } from './deno-link-reader.ts';
import { openSockDiag, type SockDiag } from './deno-sock-diag.ts';
import type { TableFile } from './line-pieces.ts';
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
  sockDiag: () => SockDiag | null = openSockDiag,
  links = true,
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
    startWorker: () => startWorker(links),
    openTable,
    // The dump is of this process's network: only for the live /proc.
    dumpTable: (procRoot, proto, onBytes) =>
      procRoot === '/proc' && (sockDiag()?.dump(proto, onBytes) ?? false),
    linkReader: links ? denoLinkReader : undefined,
  };
  return (request, fs) => collectShared(request, fs, hooks);
}

export const denoWorkerCollect: CollectStrategy = createDenoWorkerCollect();

/**
 * Deno's way to read a table (readTablePieces). With 20,000 sockets, alone in a process: read
 * whole (Deno.readTextFileSync grows its buffer, then decodes it at once) and parsed in one go,
 * ~95 ms and ~15 MB of fresh memory; in pieces ~55 ms, ~6 MB.
 */
function openTable(path: string): TableFile {
  const file = Deno.openSync(path);
  return {
    read: (buffer, offset, length) => file.readSync(buffer.subarray(offset, offset + length)) ?? 0,
    close: () => file.close(),
  };
}

// Runs in the worker: Deno's own sync calls (links through FFI where allowed), then the result
// back and close.
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
      } catch (error) {
        return isDenied(error) ? null : undefined;
      }
    },
    ...(useLinks ? denoLinkReader() : undefined),
  });
  self.postMessage(result);
  self.close();
};
`;

function startWorker(links: boolean): ScanWorker {
  const source = `${scanSource()}const denoLinkReader = ${denoLinkReader.toString()};\nconst useLinks = ${links};\n${workerBody}`;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
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
