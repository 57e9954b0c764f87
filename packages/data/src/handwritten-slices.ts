import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MangaAssistError } from '@mangaassist/common';

/**
 * The hand-written MangaAssist messages that ship with this package (see the README's "Hand-written evaluation
 * slices"): `dev` was used while the generator and the training recipe were tuned, so its figures are optimistic;
 * `final` and `holdout` were never used to change anything and give the honest figure.
 */
export const HANDWRITTEN_SLICES = Object.freeze({
  dev: 'handwritten-eval.jsonl',
  final: 'handwritten-final.jsonl',
  holdout: 'handwritten-holdout.jsonl',
});

/** The name of a bundled hand-written slice. */
export type HandwrittenSlice = keyof typeof HANDWRITTEN_SLICES;

/** Whether a slice was used to tune anything (its score flatters the model). */
export const TUNED_SLICES: readonly HandwrittenSlice[] = Object.freeze(['dev']);

/**
 * The path of a bundled hand-written slice (JSONL, the six MangaAssist labels), inside the installed package.
 *
 * @throws MangaAssistError `NOT_FOUND` when the package was installed without its `fixtures` folder
 *
 * @example
 * ```ts
 * const { dataset } = readDataset(handwrittenSlicePath('final'));
 * ```
 */
export function handwrittenSlicePath(slice: HandwrittenSlice): string {
  // Both src/ (tests) and dist/ (the built package) sit one level below the package root.
  const path = join(__dirname, '..', 'fixtures', HANDWRITTEN_SLICES[slice]);
  if (!existsSync(path)) throw new MangaAssistError('NOT_FOUND', `hand-written slice "${slice}" is missing: ${path}`, { file: path });
  return path;
}
