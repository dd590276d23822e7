// The library's echo server as a process (what `socklab tcp server --quiet` runs), for
// measure.mjs until the CLI binary is around: prints each event's message, stops on SIGTERM/SIGINT.
import { createEchoServer } from '../dist/index.js';

const [port = '0', ...flags] = process.argv.slice(2);
const controller = new AbortController();
process.on('SIGINT', () => controller.abort());
process.on('SIGTERM', () => controller.abort());
for await (const event of createEchoServer({
  port: Number(port),
  signal: controller.signal,
  quiet: !flags.includes('--verbose'),
  trace: flags.includes('--trace'),
  once: flags.includes('--once'),
  idleTimeout: flags.includes('--idle') ? 1000 : 0,
})) {
  if (event.message) (event.notice ? console.error : console.log)(event.message);
  if (flags.includes('--json')) console.log(JSON.stringify({ ...event, payload: undefined }));
}
