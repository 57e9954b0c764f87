import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { MangaAssistError } from '@mangaassist/common';

/**
 * Reads and parses a JSON object file.
 *
 * @throws MangaAssistError `NOT_FOUND` naming the file when it is absent; `CHECKPOINT_INVALID` naming it when it is
 *   not JSON or not an object
 *
 * @example
 * ```ts
 * const config = readJsonFile('runs/model/config.json');
 * ```
 */
export function readJsonFile(file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new MangaAssistError('NOT_FOUND', `${file} does not exist`, { file });
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new MangaAssistError('CHECKPOINT_INVALID', `${file}: not valid JSON (${(error as Error).message})`, { file });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new MangaAssistError('CHECKPOINT_INVALID', `${file}: expected a JSON object`, { file });
  }
  return parsed as Record<string, unknown>;
}

/**
 * Writes `contents` through a temporary file in the same directory and a rename, so that a reader (a server
 * loading a model, a second process) never sees half a file.
 *
 * @example
 * ```ts
 * writeFileAtomically('runs/model/config.json', `${JSON.stringify(config, null, 2)}\n`);
 * ```
 */
export function writeFileAtomically(file: string, contents: Uint8Array | string): void {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, contents);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * Writes `value` as indented JSON with a final newline, atomically (see {@link writeFileAtomically}).
 *
 * @example
 * ```ts
 * writeJsonFile('runs/model/config.json', config);
 * ```
 */
export function writeJsonFile(file: string, value: unknown): void {
  writeFileAtomically(file, `${JSON.stringify(value, null, 2)}\n`);
}
