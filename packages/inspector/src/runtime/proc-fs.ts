import type { CollectStrategy } from '../collect/collect-plan.ts';

/**
 * The file primitives the Linux collector needs, one adapter per runtime (runtime/node.ts,
 * bun.ts, deno.ts). Sync calls are for the fd scan, where tens of thousands of tiny calls make
 * per-call overhead matter more than blocking; `readText` is async so that reading the big
 * /proc/net tables can overlap that scan where the runtime reads files off the main thread.
 */
export interface ProcFs {
  /** Whole file as text, read off the main thread where the runtime allows. */
  readText(path: string): Promise<string>;
  readTextSync(path: string): string;
  /** Entry names of a directory; throws like the runtime does (EACCES, ENOENT). */
  listDir(path: string): string[];
  /**
   * A symlink's target; undefined when it vanished; null when we may not read it (EACCES, EPERM:
   * under ptrace rules every link of that process is hidden alike).
   */
  readLink(path: string): string | undefined | null;
  /** The runtime's faster way to read tables and scan owners together, if it has one. */
  collect?: CollectStrategy;
}
