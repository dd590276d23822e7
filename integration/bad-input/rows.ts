// The bad-input table: one malformed invocation per row, the exit code it must give and what its
// one stderr line must name. `bind` names a port the row could have bound, checked free afterwards.
import type { BadInputFixtures } from './fixtures.ts';

export interface BadInputRow {
  name: string;
  args: (f: BadInputFixtures, i: number) => string[];
  code: 1 | 2;
  /** Each must appear in the stderr line (strings case-sensitively, so quoted inputs are exact). */
  mentions: (f: BadInputFixtures, i: number) => (string | RegExp)[];
  bind?: 'tcp' | 'udp';
  input?: Uint8Array | string;
}

const tcpPort = (f: BadInputFixtures, i: number) => String(f.freeTcp[i]);
const udpPort = (f: BadInputFixtures, i: number) => String(f.freeUdp[i]);
const fixed =
  (...m: (string | RegExp)[]) =>
  () =>
    m;
/** `socklab <args>` refused as bad usage (exit 2), its one line naming each of `mentions`. */
const usage = (args: string[], ...mentions: (string | RegExp)[]): BadInputRow => ({
  name: args.join(' '),
  args: () => args,
  code: 2,
  mentions: fixed(...mentions),
});
/** `socklab … --option value` refused: the line names the option and the quoted value. */
const badValue = (args: string[], ...more: string[]) =>
  usage(args, args.at(-2) as string, `"${args.at(-1)}"`, ...more);
const huge = 'x'.repeat(70_000);
// biome-ignore lint/suspicious/noControlCharactersInRegex: the line must hold none of them (tab allowed)
const noControls = /^[^\x00-\x08\x0b-\x1f\x7f]*$/;

export const rows: BadInputRow[] = [
  // udp client: ports
  {
    name: 'udp client port 0',
    args: () => ['udp', 'client', '127.0.0.1', '0', 'hi'],
    code: 2,
    mentions: fixed('"0"', 'port'),
  },
  {
    name: 'udp client port -1',
    args: () => ['udp', 'client', '127.0.0.1', '-1', 'hi'],
    code: 2,
    mentions: fixed('"-1"'),
  },
  {
    name: 'udp client port 65536',
    args: () => ['udp', 'client', '127.0.0.1', '65536', 'hi'],
    code: 2,
    mentions: fixed('"65536"'),
  },
  {
    name: 'udp client port 1e3',
    args: () => ['udp', 'client', '127.0.0.1', '1e3', 'hi'],
    code: 2,
    mentions: fixed('"1e3"'),
  },
  {
    name: 'udp client port 0x50',
    args: () => ['udp', 'client', '127.0.0.1', '0x50', 'hi'],
    code: 2,
    mentions: fixed('"0x50"'),
  },
  {
    name: 'udp client port abc',
    args: () => ['udp', 'client', '127.0.0.1', 'abc', 'hi'],
    code: 2,
    mentions: fixed('"abc"'),
  },
  // udp client: hosts, arguments, options
  {
    name: 'udp client empty host',
    args: () => ['udp', 'client', '', '5000', 'hi'],
    code: 2,
    mentions: fixed('""', /host/),
  },
  {
    name: 'udp client host [::1',
    args: () => ['udp', 'client', '[::1', '5000', 'hi'],
    code: 2,
    mentions: fixed('"[::1"'),
  },
  {
    name: 'udp client host 999.1.1.1',
    args: () => ['udp', 'client', '999.1.1.1', '5000', 'hi'],
    code: 2,
    mentions: fixed('"999.1.1.1"'),
  },
  // Arguments that would drive a terminal or forge a second line come back escaped, still one line.
  {
    name: 'udp client host with a terminal title escape',
    args: () => ['udp', 'client', 'a\x1b]0;pwned\x07', '5000', 'hi'],
    code: 2,
    mentions: fixed('"a\\x1b]0;pwned\\x07"', noControls),
  },
  {
    name: 'tcp client host with a newline',
    args: () => ['tcp', 'client', 'evil\nsocklab: forged', '5000'],
    code: 2,
    mentions: fixed('"evil\\nsocklab: forged"'),
  },
  {
    name: 'unknown command with a clear-screen escape',
    args: () => ['\x1b[2Jnope'],
    code: 2,
    mentions: fixed('"\\x1b[2Jnope"', noControls),
  },
  {
    name: 'udp client no arguments',
    args: () => ['udp', 'client'],
    code: 2,
    mentions: fixed(/host/),
  },
  {
    name: 'udp client missing port',
    args: () => ['udp', 'client', '127.0.0.1'],
    code: 2,
    mentions: fixed(/port/),
  },
  {
    name: 'udp client missing message',
    args: () => ['udp', 'client', '127.0.0.1', '5000'],
    code: 2,
    mentions: fixed(/message/),
  },
  {
    name: 'udp client empty message',
    args: () => ['udp', 'client', '127.0.0.1', '5000', ''],
    code: 2,
    mentions: fixed(/message/),
  },
  {
    name: 'udp client extra argument',
    args: () => ['udp', 'client', '127.0.0.1', '5000', 'hi', 'extra'],
    code: 2,
    mentions: fixed('"extra"'),
  },
  {
    name: 'udp client negative timeout',
    args: () => ['udp', 'client', '127.0.0.1', '5000', 'hi', '--timeout', '-5'],
    code: 2,
    mentions: fixed('--timeout', '"-5"'),
  },
  {
    name: 'udp client timeout 0',
    args: () => ['udp', 'client', '127.0.0.1', '5000', 'hi', '--timeout', '0'],
    code: 2,
    mentions: fixed('--timeout', '"0"'),
  },
  {
    name: 'udp client timeout abc',
    args: () => ['udp', 'client', '127.0.0.1', '5000', 'hi', '--timeout=abc'],
    code: 2,
    mentions: fixed('--timeout', '"abc"'),
  },
  {
    name: 'udp client negative retries',
    args: () => ['udp', 'client', '127.0.0.1', '5000', 'hi', '--retries', '-1'],
    code: 2,
    mentions: fixed('--retries', '"-1"'),
  },
  {
    name: 'udp client retries 1001',
    args: () => ['udp', 'client', '127.0.0.1', '5000', 'hi', '--retries', '1001'],
    code: 2,
    mentions: fixed('--retries', '"1001"'),
  },
  {
    name: 'udp client unknown option',
    args: () => ['udp', 'client', '127.0.0.1', '5000', 'hi', '--frobnicate'],
    code: 2,
    mentions: fixed('--frobnicate'),
  },
  {
    name: 'udp client message over the datagram limit',
    args: (f, i) => ['udp', 'client', '127.0.0.1', udpPort(f, i), huge],
    code: 1,
    mentions: fixed('70000', /65,?507/),
  },
  {
    name: 'udp client closed port',
    args: (f, i) => ['udp', 'client', '127.0.0.1', udpPort(f, i), 'hi', '--timeout', '2000'],
    code: 1,
    mentions: (f, i) => [`127.0.0.1:${udpPort(f, i)}`, 'connection refused'],
  },
  // udp server
  {
    name: 'udp server port -1',
    args: () => ['udp', 'server', '-1', '--host', '127.0.0.1'],
    code: 2,
    mentions: fixed('"-1"'),
  },
  {
    name: 'udp server port 65536',
    args: () => ['udp', 'server', '65536', '--host', '127.0.0.1'],
    code: 2,
    mentions: fixed('"65536"'),
  },
  {
    name: 'udp server port 1e3',
    args: () => ['udp', 'server', '1e3', '--host', '127.0.0.1'],
    code: 2,
    mentions: fixed('"1e3"'),
  },
  {
    name: 'udp server port 0x50',
    args: () => ['udp', 'server', '0x50', '--host', '127.0.0.1'],
    code: 2,
    mentions: fixed('"0x50"'),
  },
  {
    name: 'udp server empty host',
    args: (f, i) => ['udp', 'server', udpPort(f, i), '--host', ''],
    code: 2,
    mentions: fixed('""', /host/),
    bind: 'udp',
  },
  {
    name: 'udp server host [::1',
    args: (f, i) => ['udp', 'server', udpPort(f, i), '--host', '[::1'],
    code: 2,
    mentions: fixed('"[::1"'),
    bind: 'udp',
  },
  {
    name: 'udp server host 999.1.1.1',
    args: (f, i) => ['udp', 'server', udpPort(f, i), '--host', '999.1.1.1'],
    code: 2,
    mentions: fixed('"999.1.1.1"'),
    bind: 'udp',
  },
  {
    name: 'udp server --echo with --reply',
    args: (f, i) => [
      'udp',
      'server',
      udpPort(f, i),
      '--host',
      '127.0.0.1',
      '--echo',
      '--reply',
      'x',
    ],
    code: 2,
    mentions: fixed('--echo', '--reply'),
    bind: 'udp',
  },
  {
    name: 'udp server unknown option',
    args: (f, i) => ['udp', 'server', udpPort(f, i), '--host', '127.0.0.1', '--forever'],
    code: 2,
    mentions: fixed('--forever'),
    bind: 'udp',
  },
  {
    name: 'udp server missing --host value',
    args: (f, i) => ['udp', 'server', udpPort(f, i), '--host'],
    code: 2,
    mentions: fixed('--host'),
    bind: 'udp',
  },
  {
    name: 'udp server port in use',
    args: (f) => ['udp', 'server', String(f.heldUdp), '--host', '127.0.0.1'],
    code: 1,
    mentions: (f) => [`127.0.0.1:${f.heldUdp}`, 'address already in use'],
  },
  // tcp server
  {
    name: 'tcp server port -1',
    args: () => ['tcp', 'server', '--port', '-1'],
    code: 2,
    mentions: fixed('--port', '"-1"'),
  },
  {
    name: 'tcp server port 65536',
    args: () => ['tcp', 'server', '--port', '65536'],
    code: 2,
    mentions: fixed('--port', '"65536"'),
  },
  {
    name: 'tcp server port 1e3',
    args: () => ['tcp', 'server', '--port', '1e3'],
    code: 2,
    mentions: fixed('--port', '"1e3"'),
  },
  {
    name: 'tcp server port 0x50',
    args: () => ['tcp', 'server', '--port', '0x50'],
    code: 2,
    mentions: fixed('--port', '"0x50"'),
  },
  {
    name: 'tcp server --max-connections 0',
    args: (f, i) => ['tcp', 'server', '--port', tcpPort(f, i), '--max-connections', '0'],
    code: 2,
    mentions: fixed('--max-connections', '"0"'),
    bind: 'tcp',
  },
  {
    name: 'tcp server --max-connections -3',
    args: (f, i) => ['tcp', 'server', '--port', tcpPort(f, i), '--max-connections', '-3'],
    code: 2,
    mentions: fixed('--max-connections', '"-3"'),
    bind: 'tcp',
  },
  {
    name: 'tcp server negative --idle-timeout',
    args: (f, i) => ['tcp', 'server', '--port', tcpPort(f, i), '--idle-timeout', '-1'],
    code: 2,
    mentions: fixed('--idle-timeout', '"-1"'),
    bind: 'tcp',
  },
  {
    name: 'tcp server negative --drain-timeout',
    args: (f, i) => ['tcp', 'server', '--port', tcpPort(f, i), '--drain-timeout', '-100'],
    code: 2,
    mentions: fixed('--drain-timeout', '"-100"'),
    bind: 'tcp',
  },
  {
    name: 'tcp server empty host',
    args: (f, i) => ['tcp', 'server', '--port', tcpPort(f, i), '--host', ''],
    code: 2,
    mentions: fixed('""', /host/),
    bind: 'tcp',
  },
  {
    name: 'tcp server host [::1',
    args: (f, i) => ['tcp', 'server', '--port', tcpPort(f, i), '--host', '[::1'],
    code: 2,
    mentions: fixed('"[::1"'),
    bind: 'tcp',
  },
  {
    name: 'tcp server host 999.1.1.1',
    args: (f, i) => ['tcp', 'server', '--port', tcpPort(f, i), '--host', '999.1.1.1'],
    code: 2,
    mentions: fixed('"999.1.1.1"'),
    bind: 'tcp',
  },
  {
    name: 'tcp server unexpected argument',
    args: (f, i) => ['tcp', 'server', tcpPort(f, i)],
    code: 2,
    mentions: (f, i) => [`"${tcpPort(f, i)}"`],
    bind: 'tcp',
  },
  {
    name: 'tcp server bad value for a flag',
    args: (f, i) => ['tcp', 'server', '--port', tcpPort(f, i), '--once=maybe'],
    code: 2,
    mentions: fixed('--once', '"maybe"'),
    bind: 'tcp',
  },
  {
    name: 'tcp server missing --port value',
    args: () => ['tcp', 'server', '--port'],
    code: 2,
    mentions: fixed('--port'),
  },
  {
    name: 'tcp server unknown option',
    args: (f, i) => ['tcp', 'server', '--port', tcpPort(f, i), '--backlog', '5'],
    code: 2,
    mentions: fixed('--backlog'),
    bind: 'tcp',
  },
  {
    name: 'tcp server port in use',
    args: (f) => ['tcp', 'server', '--port', String(f.heldTcp)],
    code: 1,
    mentions: (f) => [`127.0.0.1:${f.heldTcp}`, 'address already in use'],
  },
  // tcp client
  {
    name: 'tcp client port 0',
    args: () => ['tcp', 'client', '127.0.0.1', '0'],
    code: 2,
    mentions: fixed('"0"', 'port'),
  },
  {
    name: 'tcp client port -1',
    args: () => ['tcp', 'client', '127.0.0.1', '-1'],
    code: 2,
    mentions: fixed('"-1"'),
  },
  {
    name: 'tcp client port 65536',
    args: () => ['tcp', 'client', '127.0.0.1', '65536'],
    code: 2,
    mentions: fixed('"65536"'),
  },
  {
    name: 'tcp client port 1e3',
    args: () => ['tcp', 'client', '127.0.0.1', '1e3'],
    code: 2,
    mentions: fixed('"1e3"'),
  },
  {
    name: 'tcp client port 0x50',
    args: () => ['tcp', 'client', '127.0.0.1', '0x50'],
    code: 2,
    mentions: fixed('"0x50"'),
  },
  {
    name: 'tcp client empty host',
    args: () => ['tcp', 'client', '', '5000'],
    code: 2,
    mentions: fixed('""', /host/),
  },
  {
    name: 'tcp client host [::1',
    args: () => ['tcp', 'client', '[::1', '5000'],
    code: 2,
    mentions: fixed('"[::1"'),
  },
  {
    name: 'tcp client host 999.1.1.1',
    args: () => ['tcp', 'client', '999.1.1.1', '5000'],
    code: 2,
    mentions: fixed('"999.1.1.1"'),
  },
  {
    name: 'tcp client negative timeout',
    args: () => ['tcp', 'client', '127.0.0.1', '5000', '--timeout=-5'],
    code: 2,
    mentions: fixed('--timeout', '"-5"'),
  },
  {
    name: 'tcp client --repeat 0',
    args: () => ['tcp', 'client', '--repeat', '0'],
    code: 2,
    mentions: fixed('--repeat', '"0"'),
  },
  {
    name: 'tcp client negative --size',
    args: () => ['tcp', 'client', '--size', '-1'],
    code: 2,
    mentions: fixed('--size', '"-1"'),
  },
  {
    name: 'tcp client --size over 1 GiB',
    args: () => ['tcp', 'client', '--size', '1073741825'],
    code: 2,
    mentions: fixed('--size', '"1073741825"'),
  },
  {
    name: 'tcp client --file with --size',
    args: (f) => ['tcp', 'client', '--file', f.invalidUtf8File, '--size', '5'],
    code: 2,
    mentions: fixed('--file', '--size'),
  },
  {
    name: 'tcp client --file with a message',
    args: (f) => ['tcp', 'client', '127.0.0.1', '5000', 'hi', '--file', f.invalidUtf8File],
    code: 2,
    mentions: fixed('--file', 'message'),
  },
  {
    name: 'tcp client missing file',
    args: (f) => ['tcp', 'client', '--file', f.missingFile],
    code: 1,
    mentions: (f) => [f.missingFile, 'no such file'],
  },
  {
    name: 'tcp client directory as file',
    args: (f) => ['tcp', 'client', '--file', f.directory],
    code: 1,
    mentions: (f) => [f.directory, /directory/],
  },
  {
    name: 'tcp client file under a file',
    args: (f) => ['tcp', 'client', '--file', f.notADirectory],
    code: 1,
    mentions: (f) => [f.notADirectory, /not a directory/],
  },
  {
    name: 'tcp client closed port',
    args: (f, i) => ['tcp', 'client', '127.0.0.1', tcpPort(f, i), '--timeout', '2000'],
    code: 1,
    mentions: (f, i) => [`127.0.0.1:${tcpPort(f, i)}`, 'connection refused'],
  },
  {
    name: 'tcp client unknown option',
    args: () => ['tcp', 'client', '--verify-harder'],
    code: 2,
    mentions: fixed('--verify-harder'),
  },
  {
    name: 'tcp client extra argument',
    args: () => ['tcp', 'client', '127.0.0.1', '5000', 'hi', 'extra'],
    code: 2,
    mentions: fixed('"extra"'),
  },
  // inspect
  {
    name: 'inspect unknown --state',
    args: () => ['inspect', '--state', 'DANCING'],
    code: 2,
    mentions: fixed('--state', '"DANCING"'),
  },
  {
    name: 'inspect unknown --proto',
    args: () => ['inspect', '--proto', 'sctp'],
    code: 2,
    mentions: fixed('--proto', '"sctp"'),
  },
  {
    name: 'inspect unknown --style',
    args: () => ['inspect', '--style', 'fancy'],
    code: 2,
    mentions: fixed('--style', '"fancy"'),
  },
  {
    name: 'inspect negative --pid',
    args: () => ['inspect', '--pid', '-1'],
    code: 2,
    mentions: fixed('--pid', '"-1"'),
  },
  {
    name: 'inspect --pid abc',
    args: () => ['inspect', '--pid', 'abc'],
    code: 2,
    mentions: fixed('--pid', '"abc"'),
  },
  {
    name: 'inspect --port 65536',
    args: () => ['inspect', '--port', '65536'],
    code: 2,
    mentions: fixed('--port', '"65536"'),
  },
  {
    name: 'inspect --port -1',
    args: () => ['inspect', '--port=-1'],
    code: 2,
    mentions: fixed('--port', '"-1"'),
  },
  {
    name: 'inspect --interval below 50',
    args: () => ['inspect', '--watch', '--interval', '10'],
    code: 2,
    mentions: fixed('--interval', '"10"'),
  },
  {
    name: 'inspect negative --interval',
    args: () => ['inspect', '--watch', '--interval=-5'],
    code: 2,
    mentions: fixed('--interval', '"-5"'),
  },
  {
    name: 'inspect unknown --sort',
    args: () => ['inspect', '--sort', 'size'],
    code: 2,
    mentions: fixed('--sort', '"size"'),
  },
  {
    name: 'inspect unexpected argument',
    args: () => ['inspect', 'tcp'],
    code: 2,
    mentions: fixed('"tcp"', 'use --proto tcp'),
  },
  usage(['inspect', '--state'], 'Missing value for --state'),
  badValue(['inspect', '--port', '0'], 'port must be 1-65535'),
  badValue(['inspect', '--port', '1.5']),
  badValue(['inspect', '--pid', '0']),
  badValue(['inspect', '--pid', '0x10']),
  // Beyond Linux's largest pid (PID_MAX_LIMIT).
  badValue(['inspect', '--pid', '4194305'], '1-4194304'),
  {
    // Linux's largest pid is below PID_MAX_LIMIT (2^22): no process ever has this one.
    name: 'inspect --pid of no process',
    args: () => ['inspect', '--pid', '4194304'],
    code: 1,
    mentions: fixed('process 4194304', 'no such process'),
  },
  usage(
    ['inspect', '--interval', '1000'],
    'socklab: --interval needs --watch; add --watch, or drop --interval (see socklab inspect --help)',
  ),
  usage(['inspect', '--json', '--interval=500'], '--interval needs --watch'),
  usage(['inspect', '--style', 'lsof', '--json'], '--style lsof draws a table', 'or --json'),
  usage(['inspect', '--style', 'lsof', '--watch'], '--style lsof draws a table', 'or --watch'),
  // inspect: filters no socket can match
  usage(
    ['inspect', '--listening', '--state', 'established'],
    'ESTABLISHED',
    'listening sockets are LISTEN or UNCONN',
  ),
  usage(
    ['inspect', '--proto', 'udp', '--state', 'listen'],
    'LISTEN',
    'UNCONN (bound) or ESTABLISHED',
  ),
  usage(['inspect', '--proto', 'tcp', '--state', 'unconn'], 'UNCONN', 'a UDP and unix state'),
  usage(['inspect', '--proto', 'unix', '--state', 'time-wait'], 'unix sockets', 'TIME_WAIT'),
  usage(['inspect', '--proto', 'unix', '--port', '80'], 'port 80', 'paths, not ports'),
  // lab, plugins, doctor, root
  { name: 'lab unknown option', args: () => ['lab', '--fast'], code: 2, mentions: fixed('--fast') },
  {
    name: 'lab non-loopback host',
    args: () => ['lab', '--host', '0.0.0.0'],
    code: 2,
    mentions: fixed('--host', '0.0.0.0'),
  },
  {
    name: 'lab negative timeout',
    args: () => ['lab', '--timeout', '-1'],
    code: 2,
    mentions: fixed('--timeout', '"-1"'),
  },
  {
    name: 'plugins unknown option',
    args: () => ['plugins', '--all'],
    code: 2,
    mentions: fixed('--all'),
  },
  {
    name: 'plugins unexpected argument',
    args: () => ['plugins', 'udp'],
    code: 2,
    mentions: fixed('"udp"'),
  },
  {
    name: 'doctor unknown option',
    args: () => ['doctor', '--fix'],
    code: 2,
    mentions: fixed('--fix'),
  },
  {
    name: 'doctor unexpected argument',
    args: () => ['doctor', 'now'],
    code: 2,
    mentions: fixed('"now"'),
  },
  { name: 'unknown command', args: () => ['serve'], code: 2, mentions: fixed('"serve"') },
  { name: 'unknown root option', args: () => ['--verbose'], code: 2, mentions: fixed('--verbose') },
  {
    name: 'udp without subcommand',
    args: () => ['udp'],
    code: 2,
    mentions: fixed('udp', /server|client/),
  },
  {
    name: 'unknown udp subcommand',
    args: () => ['udp', 'relay'],
    code: 2,
    mentions: fixed('relay'),
  },
  {
    name: 'unknown tcp subcommand',
    args: () => ['tcp', 'proxy'],
    code: 2,
    mentions: fixed('proxy'),
  },
  {
    name: '--plugin without a value',
    args: () => ['plugins', '--plugin'],
    code: 2,
    mentions: fixed('--plugin'),
  },
];
