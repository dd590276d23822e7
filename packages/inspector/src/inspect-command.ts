import {
  type AnyCommand,
  createEventClock,
  defineCommand,
  type LabEvent,
  SocketError,
  UsageError,
} from '@socklab/core';
import { protoFilters } from './filters.ts';
import { type SnapshotOptions, snapshot, snapshotJSON } from './snapshot.ts';
import { sortKeys } from './sort.ts';
import { normalizeStateName, stateNames } from './states.ts';
import type { SocketEntry, SocketFilters } from './types.ts';
import type { SocketChange } from './watch.ts';

/** Milliseconds between --watch snapshots when --interval is not given. */
const defaultInterval = 1000;

const options = {
  style: {
    type: 'string',
    help: 'table style: netstat (like netstat -an) or lsof (like lsof -i -n)',
    choices: ['netstat', 'lsof'],
    default: 'netstat',
    placeholder: '<style>',
  },
  json: {
    type: 'boolean',
    help: 'one JSON array of socket entries (with --watch: NDJSON changes)',
  },
  proto: {
    type: 'string',
    help: 'only tcp (with tcp6), udp (with udp6) or unix sockets',
    choices: protoFilters,
    placeholder: '<proto>',
  },
  state: {
    type: 'string',
    help: `only sockets in this kernel state (${stateNames.join(', ')}; any case)`,
    placeholder: '<state>',
    validate: (value: string | number | boolean) =>
      normalizeStateName(String(value))
        ? undefined
        : `unknown state; use one of ${stateNames.join(', ')}`,
    wizard: false,
  },
  port: {
    type: 'number',
    kind: 'port',
    help: 'only sockets with this local or remote port',
  },
  pid: {
    type: 'number',
    kind: 'count',
    min: 1,
    // Linux's largest (PID_MAX_LIMIT, 2^22); beyond, a number would wrap in the kernel's eyes.
    max: 4_194_304,
    help: 'only sockets held by this process id',
    placeholder: '<pid>',
    wizard: false,
  },
  listening: {
    type: 'boolean',
    help: 'only listening sockets (TCP LISTEN, bound UDP, unix LISTEN or bound to a path)',
  },
  sort: {
    type: 'string',
    help: 'order rows by proto (default: proto, then local port, then remote), local, remote, state, pid or inode',
    choices: sortKeys,
    default: 'proto',
    placeholder: '<key>',
    wizard: false,
  },
  watch: {
    type: 'boolean',
    help: 'keep watching; print only what opens, closes or changes state (Ctrl-C stops)',
  },
  // No declared default: an --interval given without --watch is a usage error, whatever its value.
  interval: {
    type: 'number',
    kind: 'ms',
    min: 50,
    help: `milliseconds between --watch snapshots, ${defaultInterval} unless given`,
    wizard: false,
  },
} as const;

/** `socklab inspect`: the socket table, as netstat or lsof would show it, or as JSON. */
export function createInspectCommand(defaults: SnapshotOptions = {}): AnyCommand {
  return defineCommand({
    name: 'inspect',
    summary: 'show sockets, their state and owning processes (like netstat -anp / lsof -i -n)',
    options,
    examples: [
      'socklab inspect --listening',
      'socklab inspect --proto tcp --port 65432 --style lsof',
      'socklab inspect --watch --json',
    ],
    graceful: (values) => values.watch === true,
    check(values) {
      if (values.interval !== undefined && !values.watch)
        throw new UsageError('--interval needs --watch', {
          reason: '--interval applies only to --watch',
          hint: 'add --watch, or drop --interval',
        });
      if (values.style === 'lsof' && (values.json || values.watch)) {
        throw new UsageError(
          `--style lsof draws a table; ${values.json ? '--json prints entries' : '--watch prints changes as netstat lines'}`,
          {
            reason: `--style lsof is a table, not ${values.json ? 'JSON' : 'change lines'}`,
            hint: `drop --style lsof or ${values.json ? '--json' : '--watch'}`,
          },
        );
      }
    },
    async *run(values, context): AsyncIterable<LabEvent> {
      const event = createEventClock();
      const filters: SocketFilters = {
        proto: values.proto as SocketFilters['proto'],
        state: values.state,
        port: values.port,
        pid: values.pid,
        listening: values.listening,
      };
      const sort = values.sort as (typeof sortKeys)[number];
      // An empty table for a process that is not there would read as "it has no sockets".
      if (values.pid !== undefined) {
        const { processExists } = await import('./process-exists.ts');
        if (!processExists(values.pid))
          throw new SocketError('ESRCH', {
            action: 'inspect',
            target: `process ${values.pid}`,
            hint: 'is it still running? ps -e lists process IDs',
          });
      }
      if (!values.watch && !values.json) {
        const entries = await snapshot(filters, { ...defaults, sort });
        const details = { entries: entries.length };
        const unix = values.proto === 'unix';
        yield event('info', { message: await render(entries, values.style, unix), details });
        return;
      }
      if (!values.watch) {
        // The JSON array in pieces of UTF-8 (an event each, the first with the count): each is
        // written as it is before the next is made, so 6 MB of JSON never sit in memory at once.
        const json = await snapshotJSON(filters, { ...defaults, sort });
        const details = { entries: json.entries };
        let first = true;
        for (const output of json.pieces) {
          yield event('info', first ? { output, details } : { output });
          first = false;
        }
        return;
      }
      // The baseline is taken before the start notice, so anything opened after it is a change.
      const baseline = await snapshot(filters, { ...defaults, sort });
      // Watching and the table views load only when used: `inspect --json` start-up is benchmarked.
      const [{ watch }, { changeLine }] = await Promise.all([
        import('./watch.ts'),
        import('./render/change-line.ts'),
      ]);
      const interval = values.interval ?? defaultInterval;
      const changes = watch(filters, {
        ...defaults,
        sort,
        signal: context.signal,
        interval,
        baseline,
      });
      yield event('info', {
        message: values.json ? undefined : `Watching sockets every ${interval} ms (Ctrl-C stops)`,
        notice: true,
        // Ready (the wizard's spinner stops): watching has begun, no socket of its own to bind.
        details: { interval, ready: true },
      });
      for await (const change of changes) {
        // Each NDJSON change says when it was seen, as an event's `time` would.
        const time = new Date().toISOString();
        yield event('info', {
          message: values.json ? JSON.stringify(changeToJSON(change, time)) : changeLine(change),
          details: {
            change: change.change,
            entry: change.entry,
            ...(change.from ? { from: change.from } : {}),
          },
        });
      }
    },
  });
}

async function render(
  entries: readonly SocketEntry[],
  style: string,
  unix: boolean,
): Promise<string> {
  return style === 'lsof'
    ? (await import('./render/lsof-view.ts')).renderLsofView(entries)
    : (await import('./render/netstat-view.ts')).renderNetstatView(entries, { unix });
}

function changeToJSON(change: SocketChange, time: string): Record<string, unknown> {
  return change.from
    ? { change: change.change, time, from: change.from, entry: change.entry }
    : { change: change.change, time, entry: change.entry };
}

export const inspectCommand: AnyCommand = createInspectCommand();
