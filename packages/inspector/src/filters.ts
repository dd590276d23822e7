import { UsageError, type UsageErrorOptions } from '@socklab/core';
import { normalizeStateName, stateNames } from './states.ts';
import type { ProtoFilter, SocketEntry, SocketFilters, SocketProto } from './types.ts';

export const protoFilters: readonly ProtoFilter[] = ['tcp', 'udp', 'unix'];

/** Checks filters given through the library API and returns them normalized (state in capitals). */
export function normalizeFilters(filters: SocketFilters = {}): SocketFilters {
  const out: SocketFilters = { ...filters };
  if (filters.proto !== undefined && !protoFilters.includes(filters.proto)) {
    throw new UsageError(
      `Cannot filter by proto "${String(filters.proto)}": must be one of ${protoFilters.join(', ')}`,
      { reason: 'unknown proto', hint: 'tcp includes tcp6, udp includes udp6' },
    );
  }
  if (filters.state !== undefined) {
    const state = normalizeStateName(String(filters.state));
    if (!state) {
      throw new UsageError(`Cannot filter by state "${String(filters.state)}": unknown state`, {
        reason: 'unknown state',
        hint: `use one of ${stateNames.join(', ')}`,
      });
    }
    out.state = state;
  }
  if (
    filters.port !== undefined &&
    !(Number.isInteger(filters.port) && filters.port >= 1 && filters.port <= 65535)
  ) {
    throw new UsageError(`Cannot filter by port "${String(filters.port)}": port must be 1-65535`, {
      reason: 'port must be 1-65535',
      hint: 'use a port 1-65535',
    });
  }
  const never = neverMatches(out);
  if (never) throw new UsageError(never[0], never[1]);
  if (filters.pid !== undefined && !(Number.isInteger(filters.pid) && filters.pid > 0)) {
    throw new UsageError(
      `Cannot filter by pid "${String(filters.pid)}": must be a positive whole number`,
      { reason: 'pid must be a positive whole number' },
    );
  }
  return out;
}

/** The states /proc/net/unix reports. */
const unixStates = ['LISTEN', 'UNCONN', 'SYN_SENT', 'ESTABLISHED', 'CLOSING'];

/** Filters no socket can ever match (--proto udp --state LISTEN): [message, reason and hint], else undefined. */
function neverMatches(filters: SocketFilters): [string, UsageErrorOptions] | undefined {
  const { proto, state, listening, port } = filters;
  if (listening && state !== undefined && state !== 'LISTEN' && state !== 'UNCONN') {
    return [
      `Cannot filter by --listening and state ${state}: listening sockets are LISTEN or UNCONN`,
      { reason: 'listening sockets are LISTEN or UNCONN', hint: 'drop --state or --listening' },
    ];
  }
  if (proto === 'udp' && state !== undefined && state !== 'UNCONN' && state !== 'ESTABLISHED') {
    return [
      `Cannot filter udp sockets by state ${state}: UDP sockets are UNCONN (bound) or ESTABLISHED (connected)`,
      {
        reason: 'UDP sockets are UNCONN or ESTABLISHED',
        hint: 'use --listening for bound UDP sockets',
      },
    ];
  }
  if (proto === 'tcp' && state === 'UNCONN') {
    return [
      'Cannot filter tcp sockets by state UNCONN: that is a UDP and unix state',
      { reason: 'UNCONN is a UDP and unix state', hint: 'use --state LISTEN, or --proto udp' },
    ];
  }
  if (proto === 'unix' && state !== undefined && !unixStates.includes(state)) {
    return [
      `Cannot filter unix sockets by state ${state}: they are ${unixStates.join(', ')}`,
      {
        reason: `unix sockets are ${unixStates.join(', ')}`,
        hint: 'drop --state, or use --proto tcp',
      },
    ];
  }
  if (proto === 'unix' && port !== undefined) {
    return [
      `Cannot filter unix sockets by port ${port}: they have paths, not ports`,
      { reason: 'unix sockets have paths, not ports', hint: 'drop --port or --proto unix' },
    ];
  }
  return undefined;
}

/** The tables a filter needs: `--proto tcp` reads tcp and tcp6 only. */
export function protosFor(filters: SocketFilters): SocketProto[] {
  if (filters.proto === 'tcp') return ['tcp', 'tcp6'];
  if (filters.proto === 'udp') return ['udp', 'udp6'];
  if (filters.proto === 'unix') return ['unix'];
  return ['tcp', 'tcp6', 'udp', 'udp6', 'unix'];
}

/**
 * A listening socket: TCP or unix LISTEN, a UDP socket bound without a peer, or a unix socket
 * bound to a path without one (a datagram server such as /dev/log), as `ss -l` shows them;
 * unlike ss, not a unix socket that is merely unconnected and has no path.
 */
export function isListening(entry: SocketEntry): boolean {
  if (entry.state === 'LISTEN') return true;
  if (entry.state !== 'UNCONN') return false;
  return entry.proto !== 'unix' || entry.local.address !== '';
}

/** Everything but `pid`, which needs owners: it is checked after they are known. */
export function matchesSocket(entry: SocketEntry, filters: SocketFilters): boolean {
  if (filters.state !== undefined && entry.state !== filters.state) return false;
  if (
    filters.port !== undefined &&
    entry.local.port !== filters.port &&
    entry.remote.port !== filters.port
  ) {
    return false;
  }
  if (filters.listening && !isListening(entry)) return false;
  if (filters.proto !== undefined && !entry.proto.startsWith(filters.proto)) return false;
  return true;
}

export function matchesPid(entry: SocketEntry, pid: number | undefined): boolean {
  return pid === undefined || entry.processes.some((owner) => owner.pid === pid);
}
