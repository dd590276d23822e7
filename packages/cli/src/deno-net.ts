import { detectRuntime } from '@socklab/core';

/** True under Deno started without --unstable-net (no Deno.listenDatagram): UDP cannot work. */
export function denoLacksUnstableNet(): boolean {
  if (detectRuntime().name !== 'deno') return false;
  const deno = (globalThis as { Deno?: { listenDatagram?: unknown } }).Deno;
  return typeof deno?.listenDatagram !== 'function';
}

/**
 * A plugin that cannot run here: UDP under Deno without --unstable-net, and the lab, whose first
 * step is a UDP exchange (run anyway, it did the TCP steps and then failed the UDP one with the
 * UDP adapter's words, not this invocation's command line).
 */
export function udpUnavailable(pluginName: string): boolean {
  return (pluginName === 'udp' || pluginName === 'lab') && denoLacksUnstableNet();
}

/** The exact command line that runs this same invocation with the flag. */
export function denoRerunHint(args: readonly string[] = []): string {
  const deno = (globalThis as { Deno?: { mainModule?: string } }).Deno;
  let script = 'socklab/dist/bin.js';
  if (deno?.mainModule?.startsWith('file:'))
    script = decodeURIComponent(new URL(deno.mainModule).pathname);
  return ['deno run -A --unstable-net', script, ...args].join(' ');
}
