import { formatEndpoint, formatPythonAddress } from '@socklab/core';

/** "512 B", "1.5 KiB", "3.25 MiB", "1.02 GiB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(value >= 10 ? 1 : 2)} ${units[unit]}`;
}

/** Milliseconds as "0.123 ms", "12.3 ms", "1234 ms" (DESIGN: all durations are milliseconds). */
export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

/** Rounds a duration for event fields: microsecond precision is plenty. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** The seed's `('127.0.0.1', 5000)` for an event address. */
export function pythonAddress(address: { address: string; port: number }): string {
  return formatPythonAddress({ address: address.address, port: address.port });
}

/** `127.0.0.1:80` or `[::1]:80` for an event address. */
export function endpointText(address: { address: string; port: number }): string {
  return formatEndpoint({ address: address.address, port: address.port });
}
