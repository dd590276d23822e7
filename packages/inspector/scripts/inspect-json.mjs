// Runs `inspect` the way the CLI does (one info event, its message to stdout) without the CLI:
// the inspector's own share of `socklab inspect ...`, for timing. Usage: node scripts/inspect-json.mjs --proto tcp
import { inspectCommand } from '../dist/index.js';

const args = process.argv.slice(2);
const values = {
  style: 'netstat',
  json: true,
  sort: 'proto',
  interval: 1000,
  watch: false,
  listening: false,
};
for (let i = 0; i < args.length; i++) {
  const name = args[i].replace(/^--/, '');
  if (name === 'table') values.json = false;
  else values[name] = args[++i];
}
for await (const event of inspectCommand.run(values, { signal: new AbortController().signal })) {
  if (event.message) process.stdout.write(`${event.message}\n`);
}
