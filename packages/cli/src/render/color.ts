import type { LabEventType } from '@socklab/core';

/** Colours only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(isTTY: boolean, env: Record<string, string | undefined>): boolean {
  return isTTY && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '') && env.TERM !== 'dumb';
}

const codes: Partial<Record<LabEventType, number>> = {
  send: 36,
  recv: 32,
  listen: 35,
  bind: 35,
  connect: 34,
  accept: 34,
  close: 90,
  timeout: 33,
  error: 31,
};

/** The event type, coloured when `color` is on. */
export function paintType(type: LabEventType, color: boolean): string {
  const code = codes[type];
  return color && code !== undefined ? `\u001b[${code}m${type}\u001b[39m` : type;
}
