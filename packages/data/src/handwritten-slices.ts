import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MangaAssistError } from '@mangaassist/common';

/**
 * The files of the hand-written MangaAssist messages that ship with this package (see the README's "Hand-written
 * slices"), by slice name.
 */
export const HANDWRITTEN_SLICE_FILES = Object.freeze({
  dev: 'handwritten-eval.jsonl',
  final: 'handwritten-final.jsonl',
  holdout: 'handwritten-holdout.jsonl',
  test: 'handwritten-test.jsonl',
  extra: 'handwritten-extra.jsonl',
  test2: 'handwritten-test2.jsonl',
  extra2: 'handwritten-extra2.jsonl',
  test3: 'handwritten-test3.jsonl',
  extra3: 'handwritten-extra3.jsonl',
  test4: 'handwritten-test4.jsonl',
  test5: 'handwritten-test5.jsonl',
  extra4: 'handwritten-extra4.jsonl',
  test6: 'handwritten-test6.jsonl',
  test7: 'handwritten-test7.jsonl',
  test8: 'handwritten-test8.jsonl',
  test9: 'handwritten-test9.jsonl',
  test10: 'handwritten-test10.jsonl',
  test11: 'handwritten-test11.jsonl',
});

/** The name of a bundled hand-written slice. */
export type HandwrittenSliceId = keyof typeof HANDWRITTEN_SLICE_FILES;

/**
 * What a slice is for: `training` slices are a second training source beside the generated corpus (messages written
 * by people lift the model more than any recipe change did, see `docs/results/handwritten-quality.md`); the
 * `evaluation` slices are never trained or tuned on and give the honest figures; a `reserved` slice is written and
 * committed before any model is scored on it and then left unscored, so that the next change to the recipe is judged
 * on messages no decision has seen (once scored it becomes the headline evaluation slice).
 */
export type HandwrittenRole = 'training' | 'evaluation' | 'reserved';

/** The role of each bundled slice. */
export const HANDWRITTEN_SLICE_ROLES: Readonly<Record<HandwrittenSliceId, HandwrittenRole>> = Object.freeze({
  dev: 'training',
  final: 'training',
  holdout: 'training',
  test: 'training',
  extra: 'training',
  test2: 'evaluation',
  extra2: 'training',
  test3: 'evaluation',
  extra3: 'training',
  test4: 'evaluation',
  test5: 'evaluation',
  extra4: 'training',
  test6: 'evaluation',
  test7: 'evaluation',
  test8: 'evaluation',
  test9: 'evaluation',
  test10: 'evaluation',
  test11: 'reserved',
});

/** The slices of one role, in file order. */
function slicesWithRole(role: HandwrittenRole): readonly HandwrittenSliceId[] {
  return Object.freeze((Object.keys(HANDWRITTEN_SLICE_ROLES) as HandwrittenSliceId[]).filter((slice) => HANDWRITTEN_SLICE_ROLES[slice] === role));
}

/** The slices a model is trained on, in file order (2,377 messages in all). */
export const HANDWRITTEN_TRAINING_SLICES: readonly HandwrittenSliceId[] = slicesWithRole('training');

/** The slices kept unscored for the next change to the recipe (see {@link HandwrittenRole}). */
export const HANDWRITTEN_RESERVED_SLICES: readonly HandwrittenSliceId[] = slicesWithRole('reserved');

/**
 * The slice the headline figures are reported on: written last, from the labelling guidelines alone (its writer read
 * no other slice and not the generator), and committed before any model was scored on it.
 */
export const HANDWRITTEN_EVALUATION_SLICE: HandwrittenSliceId = 'test10';

/**
 * Every slice never trained or tuned on, in the order reports list them: the earlier evaluation slices (`test2`,
 * `test3`, `test4`, `test5`, `test6`, `test7`, `test8`, then `test9`, each the headline slice until the next was written) first, the headline slice
 * {@link HANDWRITTEN_EVALUATION_SLICE} last: file order, since each slice is added after the ones before it.
 */
export const HANDWRITTEN_EVALUATION_SLICES: readonly HandwrittenSliceId[] = slicesWithRole('evaluation');

/**
 * The slice used while the generator and the training recipe were tuned: its figures flatter a model trained on the
 * generated corpus alone (as the ablation's models are), so reports mark them as optimistic.
 */
export const TUNED_SLICES: readonly HandwrittenSliceId[] = Object.freeze(['dev']);

/**
 * The path of a bundled hand-written slice (JSONL, the six MangaAssist labels), inside the installed package, so a
 * user who installed only the packages can train and evaluate on it.
 *
 * @throws MangaAssistError `NOT_FOUND` when the package was installed without its `fixtures` folder, and
 *   `INVALID_ARGUMENT` for a name that is not a slice
 *
 * @example
 * ```ts
 * const { dataset } = readDataset(handwrittenSlicePath(HANDWRITTEN_EVALUATION_SLICE));
 * ```
 */
export function handwrittenSlicePath(slice: HandwrittenSliceId): string {
  if (!Object.hasOwn(HANDWRITTEN_SLICE_FILES, slice)) {
    throw new MangaAssistError('INVALID_ARGUMENT', `unknown hand-written slice "${String(slice)}" (allowed: ${Object.keys(HANDWRITTEN_SLICE_FILES).join(', ')})`);
  }
  // Both src/ (tests) and dist/ (the built package) sit one level below the package root.
  const path = join(__dirname, '..', 'fixtures', HANDWRITTEN_SLICE_FILES[slice]);
  if (!existsSync(path)) throw new MangaAssistError('NOT_FOUND', `hand-written slice "${slice}" is missing: ${path}`, { file: path });
  return path;
}

/**
 * The paths of the training slices, inside the installed package: what the quickstart adds to `data.train`.
 *
 * @example
 * ```ts
 * const train = [{ path: 'data/train.jsonl' }, ...handwrittenTrainingPaths().map((path) => ({ path, format: 'jsonl' }))];
 * ```
 */
export function handwrittenTrainingPaths(): string[] {
  return HANDWRITTEN_TRAINING_SLICES.map(handwrittenSlicePath);
}
