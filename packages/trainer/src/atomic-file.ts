import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
 * Flushes every file under a folder, then each folder's entry list, deepest first: what a folder written in place
 * needs before it is renamed into view, or a crash after the rename could expose empty or torn files under the new
 * name (a rename orders nothing about the data written before it).
 *
 * @example
 * ```ts
 * fsyncTree('run/.best-model.tmp');
 * renameSync('run/.best-model.tmp', 'run/best-model');
 * fsyncPath('run', true);
 * ```
 */
export function fsyncTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) fsyncTree(path);
    else if (entry.isFile()) fsyncPath(path);
  }
  fsyncPath(dir, true);
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
