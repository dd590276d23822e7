/**
 * `import(specifier)` by a name that is not a literal in the code. Deno reads and parses every
 * module that a literal import() names (and what those import) before the program starts: with
 * the two transports, which only `udp`, `tcp` and `lab` use, that was ~10 ms of every command's
 * start on Deno (`--version` and `inspect` included). Node and Bun load on the call either way.
 */
export function importWhenCalled<T>(specifier: string): Promise<T> {
  return import(specifier);
}

/** The built-in transports' packages (external to the bundles: imported at run time). */
export const udpPackage = '@socklab/transport-udp';
export const tcpPackage = '@socklab/transport-tcp';
