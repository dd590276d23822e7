/** Exit codes, as DESIGN.md lists them; 143 (128 + SIGTERM) as shells report a terminated program. */
export const exitCodes = {
  ok: 0,
  failure: 1,
  usage: 2,
  interrupted: 130,
  terminated: 143,
} as const;
