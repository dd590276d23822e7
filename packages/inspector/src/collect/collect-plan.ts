import type { ProcFs } from '../runtime/proc-fs.ts';
import type { SocketProto } from '../types.ts';
import { type OwnerLookup, ownersFromMap, procError, scanSocketOwners } from './socket-owners.ts';

/** What the Linux collector needs from /proc: some tables, and (usually) the fd scan. */
export interface TablesAndOwners {
  procRoot: string;
  tables: readonly SocketProto[];
  /** Run the fd scan (map inodes to processes). */
  owners: boolean;
  /** Scan only these processes (a --pid filter). */
  pids?: readonly number[];
  /**
   * Called with each table's text or bytes as soon as they are in, whole or in pieces of whole
   * lines (only the first piece has the header line; `more` marks the later ones); undefined: the
   * kernel has no such table. Bytes are a view valid only during the call.
   */
  onTable(proto: SocketProto, text: string | Uint8Array | undefined, more?: boolean): void;
  /**
   * Offered when the tables' consumer also reads the kernel's sock_diag dump (WasmRows.parseDiag):
   * a strategy that can get an inet table that way hands it each recv's messages instead of the
   * table's text (0: more to come, 1: the end, < 0: failed, then the text is read; rows already
   * taken are not taken twice).
   */
  onDiag?(proto: SocketProto, bytes: Uint8Array): number;
  /**
   * Called once every table is in, when the fd scan is still to be done (a strategy that
   * overlaps the two): work that needs the entries but not their owners can run meanwhile.
   */
  onTablesRead?(): void;
  /**
   * A zeroed owner table of `slots` slots (see SharedScanContext.owners), backed by a
   * SharedArrayBuffer, for a strategy whose fd scan fills one (collectShared): where the
   * entries' owners will be looked up, so that nothing is copied after the scan. Default: a new
   * SharedArrayBuffer.
   */
  ownerTable?(slots: number): Int32Array;
}

/** A way to read the tables and scan owners; runtimes may overlap the two on two cores. */
export type CollectStrategy = (
  request: TablesAndOwners,
  fs: ProcFs,
) => Promise<OwnerLookup | undefined>;

/**
 * The portable way: start every table read (async: off the main thread where the runtime reads
 * files on a thread pool), run the sync fd scan meanwhile, then hand the tables over.
 */
export const collectSequential: CollectStrategy = async (request, fs) => {
  const reads = request.tables.map((proto) => readTable(fs, request.procRoot, proto));
  // Keep rejections handled while the sync scan runs; they are rethrown below, in order.
  for (const read of reads) read.catch(() => {});
  const owners = request.owners
    ? ownersFromMap(scanSocketOwners(request.procRoot, fs, request.pids))
    : undefined;
  for (let i = 0; i < reads.length; i++) {
    request.onTable(
      request.tables[i] as SocketProto,
      await (reads[i] as Promise<string | undefined>),
    );
  }
  return owners;
};

/** One table's text; undefined when the kernel has no such table (IPv6 disabled). */
export async function readTable(
  fs: ProcFs,
  procRoot: string,
  proto: SocketProto,
): Promise<string | undefined> {
  try {
    return await fs.readText(`${procRoot}/net/${proto}`);
  } catch (error) {
    return tableError(error, procRoot, proto);
  }
}

/** undefined for a missing IPv6 table; a SocketError naming the file for anything else. */
export function tableError(error: unknown, procRoot: string, proto: SocketProto): undefined {
  const { code, name } = error as { code?: string; name?: string };
  const missing = code === 'ENOENT' || name === 'NotFound';
  if (missing && proto.endsWith('6')) return undefined;
  throw procError(error, `${procRoot}/net/${proto}`, 'file');
}
