import { HANDWRITTEN_SLICE_FILES, TUNED_SLICES, handwrittenSlicePath, readDataset, type Example, type HandwrittenSliceId } from '@mangaassist/data';
import type { RowMetrics, ValidationScores } from './ablation-evaluate';

/** A bundled hand-written slice, read once per ablation. */
export interface HandwrittenSliceData {
  readonly slice: HandwrittenSliceId;
  /** The fixture's file name inside @mangaassist/data (`fixtures/<file>`). */
  readonly file: string;
  readonly examples: readonly Example[];
  /** The labels the slice's annotators could assign (the six MangaAssist labels). */
  readonly coveredLabels: readonly string[];
  /** True for a slice used while tuning the generator and the recipe (`dev`): its figures are optimistic. */
  readonly tuned: boolean;
}

/** One row's (or the baseline's) columns on one hand-written slice. */
export interface SliceMetrics {
  readonly slice: HandwrittenSliceId;
  readonly metrics: RowMetrics;
}

/** A model's probabilities on one hand-written slice. */
export interface SliceScores {
  readonly slice: HandwrittenSliceId;
  readonly scores: ValidationScores;
}

/**
 * Reads the bundled hand-written slices, in the order given.
 *
 * @example
 * ```ts
 * const [dev] = readHandwrittenSlices(['dev']);
 * dev.examples.length; // 227
 * ```
 */
export function readHandwrittenSlices(slices: readonly HandwrittenSliceId[]): HandwrittenSliceData[] {
  return slices.map((slice) => {
    const { dataset } = readDataset(handwrittenSlicePath(slice));
    return { slice, file: HANDWRITTEN_SLICE_FILES[slice], examples: dataset.examples, coveredLabels: dataset.coveredLabels, tuned: TUNED_SLICES.includes(slice) };
  });
}

/**
 * The report's lines on the slices: which, how many messages, over which labels, and how honest each figure is.
 *
 * @example
 * ```ts
 * handwrittenNotes(slices, ['frustration', 'neutral'], sixLabels, 'the threshold-optimisation and churn-boost rows');
 * ```
 *
 * @param calibratedRows the rows that calibrate their thresholds on validation, as the report names them ("the … rows"),
 *   or `null` when every row decides at 0.5
 */
export function handwrittenNotes(
  slices: readonly HandwrittenSliceData[],
  validationLabels: readonly string[],
  labels: readonly string[],
  calibratedRows: string | null,
): string[] {
  if (slices.length === 0) return [];
  const described = slices.map(
    (s) =>
      `${s.slice} (${s.examples.length} messages, @mangaassist/data fixtures/${s.file}; ` +
      `${s.tuned ? 'used while tuning the generator and the recipe, so its figures are optimistic' : 'never used to tune anything: the honest figure'})`,
  );
  const unlearned = labels.filter((label) => !validationLabels.includes(label));
  return [
    `- hand-written columns ("hw <slice>"): the same models scored on messages written by people — ${described.join('; ')}; ` +
      `macro-F1 over ${labels.join(', ')}, and frustration recall and precision`,
    '- on the hand-written slices each row decides as it does on validation: at 0.5' +
      (calibratedRows ? `, or for ${calibratedRows} with the thresholds calibrated on the validation split (never chosen on the slice)` : '') +
      ', plus the churn phrase rule where the row has it',
    ...(unlearned.length > 0
      ? [
          `- the validation data does not annotate ${unlearned.join(' or ')}: no row calibrates a threshold for them (0.5), and where the ` +
            'training data does not annotate them either (GoEmotions) no model learned them, which lowers every hand-written macro-F1',
        ]
      : []),
  ];
}
