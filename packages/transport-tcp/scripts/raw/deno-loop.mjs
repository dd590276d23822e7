// Raw variant (Deno): Deno.listen + read/write loop into one reused buffer.
const listener = Deno.listen({ hostname: '127.0.0.1', port: Number(Deno.args[0] ?? 0) });
console.log(`Listening on tcp 127.0.0.1:${listener.addr.port}`);
Deno.addSignalListener('SIGTERM', () => Deno.exit(0));
async function echo(conn) {
  const buf = new Uint8Array(65536);
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      let off = 0;
      while (off < n) off += await conn.write(buf.subarray(off, n));
    }
    await conn.closeWrite();
  } catch {}
  try {
    conn.close();
  } catch {}
}
for await (const conn of listener) echo(conn);
