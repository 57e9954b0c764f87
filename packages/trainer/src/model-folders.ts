import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelSelection } from '@mangaassist/common';
import type { TrainableClassifier } from './classifier';
import type { TrainSummary } from './train-records';
import { fsyncPath, fsyncTree } from './atomic-file';

/** Folder of the best model inside a run directory. */
export const BEST_MODEL_DIR = 'best-model';

/** Folder of the model after the run's latest epoch inside a run directory (written with `modelSelection: 'last-epoch'`). */
export const LAST_MODEL_DIR = 'last-model';

/**
 * The folder a run directory keeps its model in under `modelSelection`: `best-model/` for `best-validation`,
 * `last-model/` for `last-epoch`.
 *
 * @example
 * ```ts
 * keptModelFolder('last-epoch'); // 'last-model'
 * ```
 */
export function keptModelFolder(selection: ModelSelection): typeof BEST_MODEL_DIR | typeof LAST_MODEL_DIR {
  return selection === 'last-epoch' ? LAST_MODEL_DIR : BEST_MODEL_DIR;
}

/**
 * Saves the classifier as the run's best model, replacing the previous one by renames so that a killed process
 * leaves a complete model: it is written to a temporary folder and flushed to disk (files, then the folder), the old
 * folder is moved aside, the new one moved in, then the old one deleted and the run directory flushed. {@link recoverBestModel} undoes a swap interrupted between the two renames.
 *
 * @example
 * ```ts
 * await saveBestModel(classifier, 'runs/train'); // runs/train/best-model/
 * ```
 */
export async function saveBestModel(classifier: TrainableClassifier, runDir: string): Promise<string> {
  return saveModelFolder(classifier, runDir, BEST_MODEL_DIR);
}

/**
 * Saves the classifier as it stands at the end of the latest epoch into `<runDir>/last-model/`, replacing the previous
 * epoch's with the same write-then-rename steps as {@link saveBestModel}; {@link recoverLastModel} undoes an
 * interrupted swap.
 *
 * @example
 * ```ts
 * await saveLastModel(classifier, 'runs/train'); // runs/train/last-model/
 * ```
 */
export async function saveLastModel(classifier: TrainableClassifier, runDir: string): Promise<string> {
  return saveModelFolder(classifier, runDir, LAST_MODEL_DIR);
}

/** Folder of the model as it stood at the end of epoch `epoch` (kept when `keepEpochModels` is on). */
export function epochModelDir(epoch: number): string {
  return `epoch-${epoch}`;
}

/**
 * The per-epoch model folders in a run directory (`epoch-<n>/`, with any temporary or set-aside copy of one), so a
 * new run can clear an earlier run's: a stale `epoch-6/` beside a 4-epoch run's folders would pass for this run's.
 *
 * @example
 * ```ts
 * epochModelFolders('runs/train'); // ['epoch-1', 'epoch-2', '.epoch-3.tmp']
 * ```
 */
export function epochModelFolders(runDir: string): string[] {
  if (!existsSync(runDir)) return [];
  return readdirSync(runDir).filter((name) => /^(epoch-\d+|\.epoch-\d+\.(tmp|old))$/.test(name));
}

/**
 * The model folders a finished run holds, the kept one first: `summary.modelDir` (`last-model/` or `best-model/`,
 * as `modelSelection` says), then `epoch-<n>/` in epoch order (with `training.keepEpochModels`); none when the run
 * saved no model.
 *
 * @example
 * ```ts
 * savedModelDirs(summary); // ['runs/train/last-model', 'runs/train/epoch-1', 'runs/train/epoch-2']
 * ```
 */
export function savedModelDirs(summary: Pick<TrainSummary, 'runDir' | 'modelDir'>): string[] {
  if (summary.modelDir === null) return [];
  const epochs = epochModelFolders(summary.runDir)
    .map((name) => /^epoch-(\d+)$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => Number(match[1]))
    .sort((a, b) => a - b)
    .map((epoch) => join(summary.runDir, epochModelDir(epoch)));
  return [summary.modelDir, ...epochs];
}

/**
 * Saves the classifier as it stands at the end of an epoch into `<runDir>/epoch-<n>/`, with the same
 * write-then-rename steps as {@link saveBestModel}: the models of every epoch let a later step choose the epoch on
 * other data than the validation split, or average their weights.
 *
 * @example
 * ```ts
 * await saveEpochModel(classifier, 'runs/train', 3); // runs/train/epoch-3/
 * ```
 */
export async function saveEpochModel(classifier: TrainableClassifier, runDir: string, epoch: number): Promise<string> {
  return saveModelFolder(classifier, runDir, epochModelDir(epoch));
}

async function saveModelFolder(classifier: TrainableClassifier, runDir: string, folder: string): Promise<string> {
  const target = join(runDir, folder);
  const temporary = join(runDir, `.${folder}.tmp`);
  const previous = join(runDir, `.${folder}.old`);
  rmSync(temporary, { recursive: true, force: true });
  await classifier.save(temporary);
  fsyncTree(temporary);
  rmSync(previous, { recursive: true, force: true });
  if (existsSync(target)) renameSync(target, previous);
  renameSync(temporary, target);
  rmSync(previous, { recursive: true, force: true });
  fsyncPath(runDir, true);
  return target;
}

/**
 * Restores the previous best model when a process died between moving it aside and moving the new one in.
 *
 * @example
 * ```ts
 * recoverBestModel('runs/train');
 * ```
 */
export function recoverBestModel(runDir: string): void {
  recoverModelFolder(runDir, BEST_MODEL_DIR);
}

/**
 * Restores the previous epoch's last model when a process died between moving it aside and moving the new one in.
 *
 * @example
 * ```ts
 * recoverLastModel('runs/train');
 * ```
 */
export function recoverLastModel(runDir: string): void {
  recoverModelFolder(runDir, LAST_MODEL_DIR);
}

/** Undoes a {@link saveModelFolder} swap interrupted between its two renames, and drops a half-written temporary folder. */
function recoverModelFolder(runDir: string, folder: string): void {
  const target = join(runDir, folder);
  const previous = join(runDir, `.${folder}.old`);
  if (!existsSync(target) && existsSync(previous)) renameSync(previous, target);
  rmSync(join(runDir, `.${folder}.tmp`), { recursive: true, force: true });
}
