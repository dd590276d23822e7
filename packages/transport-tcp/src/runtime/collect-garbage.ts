// A full garbage collection, loaded only when a server asks (after a surge of connections has
// closed). Bun has Bun.gc. V8 (Node, Deno) exposes no `gc` global by default: the flag is set at
// run time and a fresh context hands out its `gc` function (the technique Jest uses for
// --logHeapUsage).
let collect: (() => void) | undefined;

export async function collectGarbage(): Promise<void> {
  const bun = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun;
  if (bun) {
    bun.gc(true);
    return;
  }
  if (!collect) {
    const [v8, vm] = await Promise.all([import('node:v8'), import('node:vm')]);
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  // The second pass frees what the first one's finalizers released (sockets' native handles).
  collect();
  collect();
}
