import process from 'node:process';

/**
 * False when no process has this ID (signal 0 reports ESRCH; Node, Deno and Bun alike). A
 * process of another user (EPERM), or a runtime that cannot tell, counts as existing.
 */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string } | null)?.code !== 'ESRCH';
  }
}
