import type { Example } from './types';

/** A split as far as choosing its scored labels goes: what its source could annotate, and its examples. */
export interface LabelledSplit {
  /** The labels the source could have annotated at all (GoEmotions never annotates urgency or churn_risk). */
  readonly coveredLabels: readonly string[];
  readonly examples: readonly Pick<Example, 'labels'>[];
}

/** Options of {@link scoredLabels}. */
export interface ScoredLabelsOptions {
  /**
   * Also require at least one positive example in the split (evaluation: a label the split covers but never marks
   * would add an F1 of 0 to the macro average). Calibration leaves it off: a label with no positive there still
   * gets a threshold, with a note.
   */
  readonly marked?: boolean;
}

/**
 * The model labels a split can score, in the model's order: those its source covers (and, with `marked`, marks at
 * least once). The one rule every scorer of a split uses (the training loop's validation, `evaluate`, `calibrate`,
 * the ablation), so that a label the data never annotates is left out instead of being counted as missed.
 *
 * @example
 * ```ts
 * scoredLabels(['frustration', 'urgency', 'neutral'], { coveredLabels: ['frustration', 'neutral'], examples }); // ['frustration', 'neutral']
 * scoredLabels(labels, dataset, { marked: true }); // only those with a positive example
 * ```
 */
export function scoredLabels(modelLabels: readonly string[], split: LabelledSplit, options: ScoredLabelsOptions = {}): string[] {
  const marked = options.marked ? new Set(split.examples.flatMap((e) => e.labels)) : undefined;
  return modelLabels.filter((label) => split.coveredLabels.includes(label) && (marked?.has(label) ?? true));
}
