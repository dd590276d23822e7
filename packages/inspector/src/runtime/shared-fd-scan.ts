/**
 * The fd scan, shared by two threads through SharedArrayBuffers. Small processes are claimed
 * whole; a big one (thousands of sockets) is listed once by whichever thread claims it, its fd
 * numbers published in shared memory, and then both threads take 256-fd chunks of it, so they
 * finish together. Both threads store what they find in one shared owner table (an open-address
 * hash: no result to copy between threads or merge afterwards). Self-contained (no imports, no
 * outer variables): the worker runs it from its source text.
 */
export interface SharedScanContext {
  procRoot: string;
  /** [pid, index among big processes or -1]; big ones first. */
  units: [string, number][];
  /**
   * [0]: next unit; [1]: owner table slots taken; [2]: threads done; [3]: processes whose fds
   * could not be read; then per big process j at 4 + 3j: published flag, fd count, next chunk.
   */
  control: Int32Array;
  /** Published fd numbers; big process j owns [offsets[j], offsets[j] + capacities[j]). */
  fdNumbers: Int32Array;
  offsets: number[];
  capacities: number[];
  /**
   * The owner table, 2^k slots sized by collectShared: slot i is [inode, pid, fd] at 3i; inode 0
   * marks a free slot.
   */
  owners: Int32Array;
  readdir(path: string): string[];
  /** undefined when the link is gone; null when we may not read it (isDenied). */
  readlink(path: string): string | undefined | null;
}

/** Owners that did not fit the table (fds opened after it was sized): usually none. */
export interface SharedScanResult {
  inodes: number[];
  pids: number[];
  fds: number[];
}

/** Where an inode's probe starts in a table of 2^bits slots (the scan inlines the same hash). */
export function ownerSlot(inode: number, bits: number): number {
  return Math.imul(inode, 0x9e3779b1) >>> (32 - bits);
}

/** Below this many open fds in all, a scan worker's start-up (~45 ms) costs more than it saves. */
export const scanWorkerMinFds = 4000;

/**
 * The scan function (and isDenied, for the worker's readlink) as source text for a worker
 * (esbuild under vitest may wrap them in __name).
 */
export function scanSource(): string {
  return `const __name = (f) => f;\nconst scanSharedFds = ${scanSharedFds.toString()};\nconst isDenied = ${isDenied.toString()};\n`;
}

/**
 * Whether a failed call was refused (EACCES, EPERM; Deno: PermissionDenied) rather than its file
 * gone. Self-contained: workers run it from its source text.
 */
export function isDenied(error: unknown): boolean {
  const { code, name } = (error ?? {}) as { code?: string; name?: string };
  return code === 'EACCES' || code === 'EPERM' || name === 'PermissionDenied';
}

/** Control words before the big processes' ones. */
export const controlHeader = 4;

/** The table's fill limit (3/4): past it, owners go back in the result instead. */
export function ownerRoom(slots: number): number {
  return slots - (slots >> 2);
}

export function scanSharedFds(ctx: SharedScanContext): SharedScanResult {
  const out: SharedScanResult = { inodes: [], pids: [], fds: [] };
  const { control, fdNumbers, offsets, owners, units } = ctx;
  const chunk = 256;
  // A big process's next-chunk word once its links were refused: past any fd count.
  const refused = 0x3fffffff;
  const slots = owners.length / 3;
  const bits = 31 - Math.clz32(slots);
  // ownerRoom(), inlined: at most 3/4 full, so probes stay short.
  const room = slots - (slots >> 2);
  const store = (inode: number, pid: number, fd: number) => {
    if (Atomics.add(control, 1, 1) >= room) {
      out.inodes.push(inode >>> 0);
      out.pids.push(pid);
      out.fds.push(fd);
      return;
    }
    // ownerSlot(), inlined: this function may not call out.
    for (
      let slot = Math.imul(inode, 0x9e3779b1) >>> (32 - bits);
      ;
      slot = (slot + 1) & (slots - 1)
    ) {
      if (Atomics.compareExchange(owners, slot * 3, 0, inode) !== 0) continue;
      owners[slot * 3 + 1] = pid;
      owners[slot * 3 + 2] = fd;
      return;
    }
  };
  const bigPids: string[] = [];
  for (const [pidText, big] of units) if (big >= 0) bigPids[big] = pidText;
  // Links that could not be read, for the current small process.
  let unread = 0;
  /** false when the link was refused: the process's other links will be too (ptrace rules). */
  const link = (pid: number, dir: string, fd: number | string): boolean => {
    const target = ctx.readlink(dir + fd);
    if (target === null) return false;
    if (target === undefined) unread++;
    // "socket:[12345]": 's' at 0, '[' at 7.
    if (target === undefined || target.charCodeAt(0) !== 115 || target.charCodeAt(7) !== 91) {
      return true;
    }
    let inode = 0;
    for (let i = 8; i < target.length - 1; i++) inode = inode * 10 + (target.charCodeAt(i) - 48);
    // Socket inodes are 32-bit and never 0 (a free slot): stored as int32 (| 0), compared so.
    if (inode !== 0) store(inode | 0, pid, Number(fd));
    return true;
  };
  const list = (dir: string): string[] | undefined => {
    try {
      return ctx.readdir(dir);
    } catch (error) {
      const { code, name } = (error ?? {}) as { code?: string; name?: string };
      // A process that exited meanwhile is no loss; one we may not read hides its sockets.
      if (code !== 'ENOENT' && code !== 'ESRCH' && name !== 'NotFound') Atomics.add(control, 3, 1);
      return undefined;
    }
  };
  const help = (big: number) => {
    const at = 4 + big * 3;
    if (Atomics.load(control, at) !== 1) return;
    const length = Atomics.load(control, at + 1);
    const pidText = bigPids[big] as string;
    const dir = `${ctx.procRoot}/${pidText}/fd/`;
    const pid = Number(pidText);
    const base = offsets[big] as number;
    for (;;) {
      const start = Atomics.add(control, at + 2, 1) * chunk;
      if (start >= length) return;
      const end = Math.min(length, start + chunk);
      for (let k = start; k < end; k++) {
        if (link(pid, dir, fdNumbers[base + k] as number)) continue;
        // Refused: no more chunks for anyone, and the process counted once, by who stopped it.
        if (Atomics.exchange(control, at + 2, refused) < refused) Atomics.add(control, 3, 1);
        return;
      }
    }
  };
  for (;;) {
    for (let big = 0; big < bigPids.length; big++) help(big);
    const index = Atomics.add(control, 0, 1);
    if (index >= units.length) break;
    const [pidText, big] = units[index] as [string, number];
    const dir = `${ctx.procRoot}/${pidText}/fd/`;
    const pid = Number(pidText);
    const names = list(dir) ?? [];
    if (big < 0) {
      unread = 0;
      let refusedHere = false;
      for (const name of names) {
        if (link(pid, dir, name)) continue;
        refusedHere = true;
        break;
      }
      // Listing allowed but links refused (or none readable): the kernel hides this process.
      if (refusedHere || (names.length > 0 && unread === names.length)) Atomics.add(control, 3, 1);
      continue;
    }
    const at = 4 + big * 3;
    const capacity = ctx.capacities[big] as number;
    const base = offsets[big] as number;
    const count = Math.min(names.length, capacity);
    for (let k = 0; k < count; k++) fdNumbers[base + k] = Number(names[k]);
    Atomics.store(control, at + 1, count);
    Atomics.store(control, at, 1);
    Atomics.notify(control, at);
    // fds opened since the size was taken do not fit the shared slice: do them here.
    for (let k = count; k < names.length; k++) link(pid, dir, names[k] as string);
    help(big);
  }
  // The other thread may still be listing a big process it claimed: wait for its fds, then help.
  const deadline = Date.now() + 2000;
  for (let big = 0; big < bigPids.length; big++) {
    const at = 4 + big * 3;
    while (Atomics.load(control, at) !== 1 && Date.now() < deadline) {
      Atomics.wait(control, at, 0, 1);
    }
    help(big);
  }
  // Release: the table entries written above are seen by whoever reads this count.
  Atomics.add(control, 2, 1);
  Atomics.notify(control, 2);
  return out;
}
