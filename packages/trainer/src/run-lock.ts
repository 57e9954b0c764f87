import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { MangaAssistError } from '@mangaassist/common';
import { fsyncPath, temporaryPathFor } from './atomic-file';

/** The lock file a running trainer keeps in its run directory. */
export const RUN_LOCK_FILE = 'run.lock';

/** What a lock file holds: who holds the run directory. */
export interface RunLockHolder {
  readonly pid: number;
  readonly host: string;
  /** ISO 8601 time the holder took the lock. */
  readonly startedAt: string;
}

// Locks this process holds, with how many times each was taken: a job and the loop it runs may both lock the
// same directory, and only the outermost release removes the file.
const held = new Map<string, number>();

/**
 * Takes the run directory for this process by creating `run.lock` (pid, host, start time) exclusively, so that two
 * processes never train into one directory (each would delete the other's temporary files and overwrite its
 * checkpoint). A lock left by a process that is gone — same host, pid no longer alive — is taken over, saying so
 * through `log`; a live holder, or one on another host (whose pid cannot be checked from here), is refused.
 * Taking a lock this process already holds nests. Returns the release function.
 *
 * @throws MangaAssistError `INVALID_ARGUMENT` naming the lock file and its holder when the directory is in use
 *
 * @example
 * ```ts
 * const release = lockRunDir('runs/train', { log: console.error });
 * try { await train(); } finally { release(); }
 * ```
 */
export function lockRunDir(runDir: string, options: { readonly log?: (line: string) => void } = {}): () => void {
  const path = join(runDir, RUN_LOCK_FILE);
  const depth = held.get(path) ?? 0;
  if (depth > 0) {
    held.set(path, depth + 1);
    return once(() => release(path));
  }
  const temporary = temporaryPathFor(path);
  const me: RunLockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  // Two tries: the second follows the removal of a stale lock (another process may have won that race, and then it
  // is refused like any live holder).
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      // Written in full beside the lock, then linked into place: link fails if the lock exists, so the lock file
      // appears complete or not at all and a reader never mistakes a half-written one for a stale lock.
      writeFileSync(temporary, `${JSON.stringify(me)}\n`);
      fsyncPath(temporary);
      linkSync(temporary, path);
    } catch (error) {
      rmSync(temporary, { force: true });
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(path);
      if (holder && isAlive(holder)) {
        throw new MangaAssistError(
          'INVALID_ARGUMENT',
          `run directory ${runDir} is in use by process ${holder.pid} on ${holder.host} (since ${holder.startedAt}); ` +
            `wait for it to finish, stop it, or remove ${path} if that process is gone`,
          { file: path, holder },
        );
      }
      options.log?.(
        holder
          ? `${path}: taking over the lock of process ${holder.pid} on ${holder.host} (since ${holder.startedAt}), which is no longer running`
          : `${path}: replacing an unreadable lock file`,
      );
      rmSync(path, { force: true });
      continue;
    }
    rmSync(temporary, { force: true });
    fsyncPath(runDir, true);
    held.set(path, 1);
    return once(() => release(path));
  }
  throw new MangaAssistError('INVALID_ARGUMENT', `run directory ${runDir}: another process took ${path} while a stale lock was being replaced`, { file: path });
}

/**
 * Who holds a run directory's lock, or `undefined` when it is not locked (or the lock file is unreadable).
 *
 * @example
 * ```ts
 * readRunLock('runs/train')?.pid;
 * ```
 */
export function readRunLock(runDir: string): RunLockHolder | undefined {
  return readHolder(join(runDir, RUN_LOCK_FILE));
}

function readHolder(path: string): RunLockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<RunLockHolder>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.startedAt === 'string') {
      return { pid: parsed.pid, host: parsed.host, startedAt: parsed.startedAt };
    }
  } catch {
    // Absent, half-written (a process killed between creating and writing it) or not ours: nobody holds it.
  }
  return undefined;
}

function isAlive(holder: RunLockHolder): boolean {
  // A pid on another host means nothing here: only its owner can tell, so the lock stands.
  if (holder.host !== hostname()) return true;
  // Our own pid in a lock this process does not hold is an earlier process's (pids are reused, often in containers).
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function release(path: string): void {
  const depth = held.get(path) ?? 0;
  if (depth > 1) {
    held.set(path, depth - 1);
    return;
  }
  held.delete(path);
  rmSync(path, { force: true });
}

function once(f: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    f();
  };
}
