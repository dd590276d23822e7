import { isListening } from '../filters.ts';
import { tcpStateName, udpStateName } from '../states.ts';
import type { SocketEntry, SocketFilters, SocketProto } from '../types.ts';
import { hiddenReasons, type OwnerLookup } from './socket-owners.ts';
import { tableWasm } from './table-wasm.ts';

/** The exports of assembly/table.ts (numbers are addresses in its memory, or counts). */
interface TableExports {
  memory: WebAssembly.Memory;
  scratch(size: number): number;
  setString(index: number, length: number): void;
  filters(port: number): number;
  input(size: number): number;
  parse(length: number, proto: number, header: number): void;
  parseDiag(length: number, proto: number): number;
  count(): number;
  reserve(rows: number): void;
  sort(): void;
  ownersFor(slots: number, filled: number): number;
  ownersFilled(filled: number): void;
  addOwner(inode: number, pid: number, fd: number): void;
  context(unreadable: number, uid: number): void;
  wanted(): void;
  pidList(): number;
  pidCount(): number;
  uidList(): number;
  uidCount(): number;
  setName(id: number, user: number, length: number): void;
  output(): number;
  write(from: number, to: number, last: number): number;
}

/** The tables the WebAssembly rows take, by their number there. */
const inetProtos: readonly SocketProto[] = ['tcp', 'tcp6', 'udp', 'udp6'];

let compiled: WebAssembly.Module | null | undefined;

/** The module, compiled once per process; null where this runtime has no WebAssembly. */
function tableModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    compiled = new WebAssembly.Module(fromBase64(tableWasm));
  } catch {
    // `node --jitless` has no WebAssembly: the JavaScript path does the same work.
    compiled = null;
  }
  return compiled;
}

/**
 * The module's bytes: the runtime's own decoder where it has one (Bun and Deno:
 * Uint8Array.fromBase64; Node: Buffer), else atob and a loop. A loop over its ~13,000 bytes runs
 * long enough for V8 to optimize it on the side (~13 ms of the other core on Node, which the fd
 * scan needs), and Uint8Array.from(text, mapper) iterates the string (~10 ms cold).
 */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const typed = Uint8Array as { fromBase64?: (text: string) => Uint8Array<ArrayBuffer> };
  if (typed.fromBase64) return typed.fromBase64(text);
  // Not on Deno (fromBase64 above), where the Buffer global loads its Node layer.
  const buffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;
  if (buffer) return new Uint8Array(buffer.from(text, 'base64'));
  const bytes = atob(text);
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes.charCodeAt(i);
  return out;
}

const encoder = new TextEncoder();

/**
 * The rows of /proc/net/tcp, tcp6, udp and udp6 in WebAssembly (assembly/table.ts), for
 * `socklab inspect --json`: parsed, filtered, deduplicated, sorted and written as JSON there,
 * byte for byte as the JavaScript path writes SocketEntry objects (tests compare the two), and
 * with no object made per row. The JavaScript parser runs mostly before the JIT has optimized it
 * (20,000 rows are parsed once), which made it most of the gap to `ss -tanp` (PERFORMANCE.md).
 */
export class WasmRows {
  readonly #x: TableExports;
  /** The owner table handed to the fd scan (ownerTable), filled in place. */
  #scanTable: Int32Array | undefined;

  private constructor(x: TableExports) {
    this.#x = x;
  }

  /** Rows kept by `filters` (not `pid`, which needs owners), or undefined without WebAssembly. */
  static create(filters: SocketFilters): WasmRows | undefined {
    const module = tableModule();
    if (!module) return undefined;
    const x = new WebAssembly.Instance(module).exports as unknown as TableExports;
    const rows = new WasmRows(x);
    // The strings the JSON takes from this side: state names (codes past 15 are UNKNOWN, as
    // code 0: the module uses code 0's), protocols, hidden reasons.
    const keep = new Uint8Array(x.memory.buffer, x.filters(filters.port ?? -1), 32);
    for (let code = 0; code < 16; code++) {
      const tcp = tcpStateName(code);
      const udp = udpStateName(code);
      keep[code] = passes(tcp, 'tcp', filters) ? 1 : 0;
      keep[16 + code] = passes(udp, 'udp', filters) ? 1 : 0;
      rows.#setString(code, tcp);
      rows.#setString(16 + code, udp);
    }
    for (const [i, proto] of inetProtos.entries()) rows.#setString(32 + i, proto);
    for (const [i, reason] of hiddenReasons.entries()) rows.#setString(36 + i, reason);
    return rows;
  }

  /** Makes room for about `rows` rows before the first piece (a hint; they grow as needed). */
  reserve(rows: number): void {
    this.#x.reserve(rows);
  }

  /** Parses a piece of whole lines of one table (the header line first when `header`). */
  parse(proto: SocketProto, bytes: Uint8Array, header: boolean): void {
    const x = this.#x;
    const at = x.input(bytes.length);
    new Uint8Array(x.memory.buffer, at, bytes.length).set(bytes);
    x.parse(bytes.length, inetProtos.indexOf(proto), header ? 1 : 0);
  }

  /**
   * Parses the messages of one recv of a sock_diag dump of one table (NETLINK_SOCK_DIAG): 0 when
   * more are to come, 1 at the dump's end, a negative errno when the kernel refused it, -1000 for
   * bytes that are not netlink messages.
   */
  parseDiag(proto: SocketProto, bytes: Uint8Array): number {
    const x = this.#x;
    const at = x.input(bytes.length);
    new Uint8Array(x.memory.buffer, at, bytes.length).set(bytes);
    return x.parseDiag(bytes.length, inetProtos.indexOf(proto));
  }

  get count(): number {
    return this.#x.count();
  }

  /** netstat's order, as sortEntries(entries, 'proto'). */
  sort(): void {
    this.#x.sort();
  }

  /**
   * An empty owner table of `slots` (a power of two) in the module's memory, which is shared: the
   * fd scan's threads fill it in place, and attachOwners() then copies nothing (a copy of ~800 KB
   * for 20,000 sockets cost 3-7 ms, nearly all of it the faults of its fresh pages).
   */
  ownerTable(slots: number): Int32Array {
    const x = this.#x;
    // The memory may grow for the table: its buffer is taken after.
    const at = x.ownersFor(slots, 0);
    this.#scanTable = new Int32Array(x.memory.buffer, at, 3 * slots);
    return this.#scanTable;
  }

  /**
   * Joins the rows with their owners (`uid`: the caller's, for "needs root"), then names the
   * processes and users the rows show.
   */
  attachOwners(
    owners: OwnerLookup,
    uid: number | undefined,
    command: (pid: number) => string | null,
    user: (uid: number) => string | null,
  ): void {
    const x = this.#x;
    const all = owners.all();
    if (all.table !== undefined && all.table === this.#scanTable) {
      x.ownersFilled(all.filled);
    } else {
      // Another table of the scan's, copied as it is; else one that need not grow (half full).
      let slots = 1024;
      while (slots < 2 * all.inodes.length) slots *= 2;
      if (all.table) slots = all.table.length / 3;
      const at = x.ownersFor(slots, all.filled);
      if (all.table) new Int32Array(x.memory.buffer, at, all.table.length).set(all.table);
    }
    for (let i = 0; i < all.inodes.length; i++)
      x.addOwner(all.inodes[i] as number, all.pids[i] as number, all.fds[i] ?? -1);
    x.context(owners.unreadable, uid ?? -1);
    x.wanted();
    const pids = new Uint32Array(x.memory.buffer, x.pidList(), x.pidCount()).slice();
    const uids = new Float64Array(x.memory.buffer, x.uidList(), x.uidCount()).slice();
    for (const pid of pids) this.#setName(pid, false, command(pid));
    for (const id of uids) this.#setName(id, true, user(id));
  }

  /**
   * The rows as elements of a JSON array of `total` (the rows first), in pieces of `size` rows:
   * each piece is a view of memory that the next one reuses.
   */
  *pieces(total: number, size: number): Generator<Uint8Array, void, undefined> {
    const x = this.#x;
    const count = x.count();
    for (let from = 0; from < count; from += size) {
      const length = x.write(from, Math.min(count, from + size), total - 1);
      yield new Uint8Array(x.memory.buffer, x.output(), length);
    }
  }

  #setString(index: number, text: string): void {
    const length = this.#scratch(JSON.stringify(text));
    this.#x.setString(index, length);
  }

  #setName(id: number, user: boolean, name: string | null): void {
    if (name === null) return;
    const length = this.#scratch(JSON.stringify(name));
    this.#x.setName(id, user ? 1 : 0, length);
  }

  /** Writes JSON text into the module's scratch memory; returns its length in bytes. */
  #scratch(text: string): number {
    const x = this.#x;
    const at = x.scratch(3 * text.length);
    return encoder.encodeInto(text, new Uint8Array(x.memory.buffer, at, 3 * text.length)).written;
  }
}

/** Whether a row in `state` passes the state and listening filters (ports: in the module). */
function passes(state: string, proto: 'tcp' | 'udp', filters: SocketFilters): boolean {
  if (filters.state !== undefined && state !== filters.state) return false;
  if (!filters.listening) return true;
  return isListening({ proto, state, local: { address: '', port: 0 } } as SocketEntry);
}
