import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MangaAssistError } from '@mangaassist/common';

/** SHA-256 (hex) of each data file a run reads, by the path its configuration gives. */
export type DataFileDigests = Readonly<Record<string, string>>;

/**
 * Hashes the contents of each file, so that a checkpoint can tell a resumed run that its data changed even when the
 * row count (all the configuration fingerprint and the example count see) did not.
 *
 * @example
 * ```ts
 * const digests = hashDataFiles(['data/train.jsonl', 'data/dev.jsonl']); // { 'data/train.jsonl': '3f…', … }
 * ```
 */
export function hashDataFiles(paths: readonly string[]): DataFileDigests {
  const digests: Record<string, string> = {};
  for (const path of paths) digests[path] = createHash('sha256').update(readFileSync(path)).digest('hex');
  return digests;
}

/**
 * The first file whose contents differ between the digests a checkpoint recorded and the current ones (a file
 * present in only one of them counts as changed), or `undefined` when they agree.
 *
 * @example
 * ```ts
 * changedDataFile({ 'a.jsonl': '01' }, { 'a.jsonl': '02' }); // { path: 'a.jsonl', saved: '01', current: '02' }
 * ```
 */
export function changedDataFile(
  saved: DataFileDigests,
  current: DataFileDigests,
): { readonly path: string; readonly saved: string | undefined; readonly current: string | undefined } | undefined {
  const paths = [...new Set([...Object.keys(saved), ...Object.keys(current)])].sort();
  const path = paths.find((p) => saved[p] !== current[p]);
  return path === undefined ? undefined : { path, saved: saved[path], current: current[path] };
}

/**
 * Thrown by a loop's resume check when the data changed and the run was told to restart rather than refuse; the
 * loop catches it before anything was restored and starts a new run.
 */
export class DataChangedRestart extends Error {
  constructor(readonly file: string) {
    super(`${file} changed since the checkpoint`);
    this.name = 'DataChangedRestart';
  }
}

/**
 * Compares a checkpoint's data digests with the current ones when resuming. Unchanged data (or a checkpoint that
 * recorded none, written before digests existed) passes. Changed data throws `DATA_INVALID` naming the file, unless
 * `restart` is set, in which case it throws {@link DataChangedRestart} for the loop to start over.
 *
 * @example
 * ```ts
 * checkDataUnchanged('run/checkpoint.safetensors', state.dataFiles, hashDataFiles(paths), false);
 * ```
 */
export function checkDataUnchanged(
  checkpointPath: string,
  saved: DataFileDigests | undefined,
  current: DataFileDigests | undefined,
  restart: boolean,
): void {
  if (saved === undefined || current === undefined) return;
  const changed = changedDataFile(saved, current);
  if (!changed) return;
  if (restart) throw new DataChangedRestart(changed.path);
  const what =
    changed.saved === undefined
      ? 'was not part of the checkpointed run'
      : changed.current === undefined
        ? 'was part of the checkpointed run but is no longer read'
        : `changed since the checkpoint (sha256 ${changed.saved.slice(0, 12)}… then, ${changed.current.slice(0, 12)}… now)`;
  throw new MangaAssistError(
    'DATA_INVALID',
    `cannot resume ${checkpointPath}: data file ${changed.path} ${what}; restore the file, or start a new run on the new data ` +
      '(--restart-on-data-change or --overwrite)',
    { file: changed.path, checkpoint: checkpointPath },
  );
}
