import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Flushes a file (or a folder's entry list) to disk. Folders cannot be fsynced on every platform; that failure is
 * harmless (the rename itself is still atomic), so it is ignored.
 */
export function fsyncPath(path: string, isDirectory = false): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch (error) {
    if (!isDirectory) throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * A temporary name beside `path`, unique to this process, that readers ignore (leading dot, `.tmp` suffix).
 *
 * @example
 * ```ts
 * temporaryPathFor('run/checkpoint.safetensors'); // 'run/.checkpoint.safetensors.1234.tmp'
 * ```
 */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

/**
 * Replaces `path` atomically: `write` fills a temporary file beside it, which is flushed to disk and renamed over
 * `path`, then the folder is flushed. A process killed at any point leaves either the old file or the new one,
 * never a mix.
 *
 * @example
 * ```ts
 * atomicReplace('run/summary.json', (tmp) => writeFileSync(tmp, JSON.stringify(summary)));
 * ```
 */
export function atomicReplace(path: string, write: (temporaryPath: string) => void): void {
  const temporary = temporaryPathFor(path);
  try {
    write(temporary);
    fsyncPath(temporary);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  fsyncPath(dirname(path), true);
}

/**
 * Writes text or bytes to `path` atomically (see {@link atomicReplace}).
 *
 * @example
 * ```ts
 * atomicWriteFile('run/config.json', JSON.stringify(config, null, 2));
 * ```
 */
export function atomicWriteFile(path: string, data: string | Uint8Array): void {
  atomicReplace(path, (temporary) => writeFileSync(temporary, data));
}
