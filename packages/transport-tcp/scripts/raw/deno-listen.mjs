// Raw baseline (Deno): Deno.listen + readable.pipeTo(writable).
const listener = Deno.listen({ hostname: '127.0.0.1', port: Number(Deno.args[0] ?? 0) });
console.log(`Listening on tcp 127.0.0.1:${listener.addr.port}`);
Deno.addSignalListener('SIGTERM', () => Deno.exit(0));
for await (const conn of listener) conn.readable.pipeTo(conn.writable).catch(() => {});
