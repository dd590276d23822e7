import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectRuntime } from '@socklab/core';
import { describe, expect, it } from 'vitest';
import { scanSource } from './shared-fd-scan.ts';

describe.runIf(detectRuntime().name === 'deno')('the link reader on Deno (FFI readlinkat)', () => {
  it('reads every fd of this process as Deno.readLinkSync does', async () => {
    const { denoLinkReader } = await import('./deno-link-reader.ts');
    const reader = denoLinkReader();
    expect(reader, 'the tests run with -A: FFI is allowed').toBeDefined();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      let sockets = 0;
      for (const entry of Deno.readDirSync('/proc/self/fd')) {
        let target: string;
        try {
          target = Deno.readLinkSync(`/proc/self/fd/${entry.name}`);
        } catch {
          continue; // the listing's own fd, closed since
        }
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode) sockets++;
        const expected = inode ? Number(inode) : 0;
        expect(reader?.linkInode('/proc/self/fd/', entry.name)).toBe(expected);
        expect(reader?.linkInode('/proc/self/fd/', Number(entry.name))).toBe(expected);
      }
      expect(sockets).toBeGreaterThan(0);
      expect(reader?.linkInode('/proc/self/fd/', 999_999)).toBe(-1);
      expect(reader?.linkInode('/proc/4194305/fd/', 0)).toBe(-1);
    } finally {
      reader?.release();
      server.close();
    }
  });

  it('steps aside without FFI permission (no error, no prompt to answer)', async () => {
    // A Deno of its own with read permission only: both FFI readers step aside (the scan and the
    // tables then go through Deno's own calls), with no prompt.
    const here = new URL('.', import.meta.url).pathname;
    const script = [
      `const { denoLinkReader } = await import(${JSON.stringify(`${here}deno-link-reader.ts`)});`,
      `const { openSockDiag } = await import(${JSON.stringify(`${here}deno-sock-diag.ts`)});`,
      'console.log(JSON.stringify([denoLinkReader() ?? "none", openSockDiag() ?? "none"]));',
    ].join('\n');
    const root = mkdtempSync(join(tmpdir(), 'socklab-noffi-'));
    try {
      writeFileSync(join(root, 'check.ts'), script);
      const run = new Deno.Command(Deno.execPath(), {
        args: ['run', '--no-config', '--allow-read', join(root, 'check.ts')],
        env: { DENO_NO_UPDATE_CHECK: '1' },
        stdin: 'null',
      }).outputSync();
      expect(new TextDecoder().decode(run.stderr)).toBe('');
      expect(new TextDecoder().decode(run.stdout).trim()).toBe('["none","none"]');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('reads made-up links: big inodes, long targets, the worker’s copy of its source', async () => {
    const { denoLinkReader } = await import('./deno-link-reader.ts');
    const root = mkdtempSync(join(tmpdir(), 'socklab-links-'));
    try {
      const dir = join(root, 'fd');
      mkdirSync(dir);
      symlinkSync('socket:[4294967295]', join(dir, '3'));
      symlinkSync('socket:[1]', join(dir, '10'));
      symlinkSync(`/${'x'.repeat(200)}`, join(dir, '4'));
      symlinkSync('socket:[', join(dir, '5'));
      symlinkSync('pipe:[12345]', join(dir, '6'));
      // As the scan worker builds it: from the function's source text, with nothing around it.
      const fromSource = new Function(
        `${scanSource()}const denoLinkReader = ${denoLinkReader.toString()}; return denoLinkReader();`,
      )() as ReturnType<typeof denoLinkReader>;
      for (const reader of [denoLinkReader(), fromSource]) {
        expect(reader?.linkInode(`${dir}/`, 3)).toBe(4_294_967_295);
        expect(reader?.linkInode(`${dir}/`, '10')).toBe(1);
        expect(reader?.linkInode(`${dir}/`, 4)).toBe(0);
        expect(reader?.linkInode(`${dir}/`, 5)).toBe(0);
        expect(reader?.linkInode(`${dir}/`, 6)).toBe(0);
        expect(reader?.linkInode(`${dir}/`, 7)).toBe(-1);
        expect(reader?.linkInode(`${root}/missing/`, 3)).toBe(-1);
        // Another directory, then back: the one held open is changed each time.
        expect(reader?.linkInode(`${dir}/`, 10)).toBe(1);
        // Done once released (its library closed): nothing more is read.
        reader?.release();
        reader?.release();
        expect(reader?.linkInode(`${dir}/`, 3)).toBe(-1);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
