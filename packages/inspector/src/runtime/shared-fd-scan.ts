/**
 * The fd scan, shared by two threads through a SharedArrayBuffer. Small processes are claimed
 * whole; a big one (thousands of sockets) is listed once by whichever thread claims it, its fd
 * numbers published in shared memory, and then both threads take 256-fd chunks of it, so they
 * finish together. Self-contained (no imports, no outer variables): the worker runs it from its
 * source text.
 */
export interface SharedScanContext {
  procRoot: string;
  /** [pid, index among big processes or -1]; big ones first. */
  units: [string, number][];
  /** [0]: next unit; then per big process j at 1 + 3j: published flag, fd count, next chunk. */
  control: Int32Array;
  /** Published fd numbers; big process j owns [offsets[j], offsets[j] + capacities[j]). */
  fdNumbers: Int32Array;
  offsets: number[];
  capacities: number[];
  readdir(path: string): string[];
  /** undefined when the link is gone. */
  readlink(path: string): string | undefined;
}

export interface SharedScanResult {
  inodes: number[];
  pids: number[];
  fds: number[];
  unreadable: number;
}

export function scanSharedFds(ctx: SharedScanContext): SharedScanResult {
  const out: SharedScanResult = { inodes: [], pids: [], fds: [], unreadable: 0 };
  const { control, fdNumbers, offsets, units } = ctx;
  const chunk = 256;
  const bigPids: string[] = [];
  for (const [pidText, big] of units) if (big >= 0) bigPids[big] = pidText;
  // Links that could not be read, for the current small process.
  let unread = 0;
  const link = (pid: number, dir: string, fd: number | string) => {
    const target = ctx.readlink(dir + fd);
    if (target === undefined) unread++;
    // "socket:[12345]": 's' at 0, '[' at 7.
    if (target === undefined || target.charCodeAt(0) !== 115 || target.charCodeAt(7) !== 91) return;
    let inode = 0;
    for (let i = 8; i < target.length - 1; i++) inode = inode * 10 + (target.charCodeAt(i) - 48);
    out.inodes.push(inode);
    out.pids.push(pid);
    out.fds.push(Number(fd));
  };
  const list = (dir: string): string[] | undefined => {
    try {
      return ctx.readdir(dir);
    } catch (error) {
      const { code, name } = (error ?? {}) as { code?: string; name?: string };
      // A process that exited meanwhile is no loss; one we may not read hides its sockets.
      if (code !== 'ENOENT' && code !== 'ESRCH' && name !== 'NotFound') out.unreadable++;
      return undefined;
    }
  };
  const help = (big: number) => {
    const at = 1 + big * 3;
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
      for (let k = start; k < end; k++) link(pid, dir, fdNumbers[base + k] as number);
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
      for (const name of names) link(pid, dir, name);
      // Listing allowed but no link readable: the kernel hides this process (ptrace rules).
      if (names.length > 0 && unread === names.length) out.unreadable++;
      continue;
    }
    const at = 1 + big * 3;
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
    const at = 1 + big * 3;
    while (Atomics.load(control, at) !== 1 && Date.now() < deadline) {
      Atomics.wait(control, at, 0, 1);
    }
    help(big);
  }
  return out;
}
