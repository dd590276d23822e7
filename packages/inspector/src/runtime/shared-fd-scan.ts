/**
 * The fd scan, shared by two threads through SharedArrayBuffers. Small processes are claimed
 * whole (listed, then each link read). A big one (thousands of sockets) is not listed: the kernel
 * hands out the lowest free fd, so its fd numbers are nearly dense, and both threads read
 * /proc/<pid>/fd/<n> for n from 0 up, in 256-fd chunks, until they have found as many links as it
 * had open; only a process with many holes below its last fd (or one whose fds changed meanwhile)
 * is listed, for the fds past the last chunk. Listing 10,000 fds costs ~10 ms on Node and Bun and
 * 30-80 ms on Deno, which builds an object per entry. Both threads store what they find in one
 * shared owner table (an open-address hash: no result to copy between threads or merge
 * afterwards). Self-contained (no imports, no outer variables): the worker runs it from its
 * source text.
 */
export interface SharedScanContext {
  procRoot: string;
  /** Processes with few fds, each listed and read whole by whichever thread claims it. */
  small: string[];
  /** Processes with many fds: [pid, how many it had open when sized]. */
  big: [string, number][];
  /**
   * This thread takes the big processes last to first (the other thread first to last): two
   * threads reading one process's fds slow each other (~25% a link, its task and fd table shared),
   * so each starts on its own and they meet on the last one.
   */
  backward?: boolean;
  /**
   * [0]: next small process; [1]: owner table slots taken; [2]: threads done; [3]: processes whose
   * fds could not be read; then per big process j at 4 + 3j: links found, links missing, next chunk.
   */
  control: Int32Array;
  /**
   * The owner table, 2^k slots sized by collectShared: slot i is [inode, pid, fd] at 3i; inode 0
   * marks a free slot.
   */
  owners: Int32Array;
  readdir(path: string): string[];
  /** undefined when the link is gone; null when we may not read it (isDenied). */
  readlink(path: string): string | undefined | null;
  /**
   * Used instead of readlink when given: the socket inode of link `fd` in `dir` (…/fd/), 0 when
   * it is not a socket, -1 when it is gone, -2 when refused (a runtime that reads links without
   * making strings: Deno's FFI, denoLinkReader).
   */
  linkInode?(dir: string, fd: number | string): number;
  /** Called when this thread's scan is done (closes what linkInode holds open). */
  release?(): void;
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
  const { big, control, owners, small } = ctx;
  const chunk = 256;
  // A big process's next-chunk word once its chunks are stopped (links refused, or too many holes).
  const stopped = 0x3fffffff;
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
  /**
   * 1 when the link was read, 0 when it is gone, -1 when it was refused: the process's other
   * links will be too (ptrace rules).
   */
  const read = (pid: number, dir: string, fd: number | string): number => {
    if (ctx.linkInode) {
      const inode = ctx.linkInode(dir, fd);
      if (inode > 0) store(inode | 0, pid, Number(fd));
      return inode >= 0 ? 1 : inode === -1 ? 0 : -1;
    }
    const target = ctx.readlink(dir + fd);
    if (target === null) return -1;
    if (target === undefined) return 0;
    // "socket:[12345]": 's' at 0, '[' at 7.
    if (target.charCodeAt(0) !== 115 || target.charCodeAt(7) !== 91) return 1;
    let inode = 0;
    for (let i = 8; i < target.length - 1; i++) inode = inode * 10 + (target.charCodeAt(i) - 48);
    // Socket inodes are 32-bit and never 0 (a free slot): stored as int32 (| 0), compared so.
    if (inode !== 0) store(inode | 0, pid, Number(fd));
    return 1;
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
  /** A small process: listed, then every link read. */
  const whole = (pidText: string) => {
    const dir = `${ctx.procRoot}/${pidText}/fd/`;
    const pid = Number(pidText);
    const names = list(dir) ?? [];
    let gone = 0;
    for (const name of names) {
      const got = read(pid, dir, name);
      if (got > 0) continue;
      if (got === 0) {
        gone++;
        continue;
      }
      // Refused: the kernel hides this process.
      Atomics.add(control, 3, 1);
      return;
    }
    // Listed, but no link readable: hidden too.
    if (names.length > 0 && gone === names.length) Atomics.add(control, 3, 1);
  };
  /** Big process j: chunks of fd numbers from 0 up, shared with the other thread. */
  const chunks = (j: number) => {
    const [pidText, open] = big[j] as [string, number];
    const at = 4 + 3 * j;
    const dir = `${ctx.procRoot}/${pidText}/fd/`;
    const pid = Number(pidText);
    for (;;) {
      if (Atomics.load(control, at) >= open) return;
      const index = Atomics.add(control, at + 2, 1);
      if (index >= stopped) return;
      // A claimed chunk is read to its end by its thread, even once the chunks are stopped: the
      // listing only covers the fds no chunk will (the rest of the stopper's, and those past all).
      let counting = true;
      for (let fd = index * chunk, end = fd + chunk; fd < end; fd++) {
        const got = read(pid, dir, fd);
        // Every fd it had open found: done (fds opened since then are the race every scan has).
        if (got > 0) {
          if (Atomics.add(control, at, 1) + 1 >= open) return;
          continue;
        }
        if (got < 0) {
          // Refused: no more chunks for anyone, and the process counted once, by who stopped it.
          if (Atomics.exchange(control, at + 2, stopped) < stopped) Atomics.add(control, 3, 1);
          return;
        }
        if (!counting) continue;
        // A hole, or past the last fd (the other thread found the rest). After more holes than a
        // process this far along usually has (or one that exited, or closed fds since it was
        // sized), the chunks stop and whoever stopped them lists the fds no chunk will read.
        const found = Atomics.load(control, at);
        if (found >= open) return;
        if (Atomics.add(control, at + 1, 1) < 64 + (found >> 4)) continue;
        const claimed = Atomics.exchange(control, at + 2, stopped);
        if (claimed >= stopped) {
          counting = false;
          continue;
        }
        const past = claimed * chunk;
        for (const name of list(dir) ?? []) {
          const n = Number(name);
          if ((n <= fd || n >= end) && n < past) continue;
          if (read(pid, dir, name) >= 0) continue;
          Atomics.add(control, 3, 1);
          return;
        }
        return;
      }
    }
  };
  for (let k = 0; k < big.length; k++) chunks(ctx.backward ? big.length - 1 - k : k);
  for (;;) {
    const index = Atomics.add(control, 0, 1);
    if (index >= small.length) break;
    whole(small[index] as string);
  }
  ctx.release?.();
  // Release: the table entries written above are seen by whoever reads this count.
  Atomics.add(control, 2, 1);
  Atomics.notify(control, 2);
  return out;
}
