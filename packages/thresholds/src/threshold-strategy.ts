import type { LabelScores } from './label-scores';

/** What a strategy chose for one label, with the metrics at that threshold. */
export interface ThresholdChoice {
  /** Decision threshold: a label is predicted when its probability is `>= threshold`. */
  readonly threshold: number;
  /** The value the strategy optimised or constrained, at `threshold` (see `metric`). */
  readonly score: number;
  /** What `score` is, for tables: `F2`, `F1`, `precision@recall>=0.9`. */
  readonly metric: string;
  readonly precision: number;
  readonly recall: number;
  /** β of the F-β curve worth plotting for this label (1 when the strategy is not F-β based). */
  readonly beta: number;
  /** Positive examples of the label in the calibration data. */
  readonly support: number;
  /** Why the choice may be unreliable (no positive example, recall target not reachable…). */
  readonly note?: string;
}

/**
 * A threshold strategy: given one label's scores on validation data, choose its threshold. Strategies are plugins
 * (`fixed`, `fbeta-sweep`, `precision-at-recall`) created from a {@link ThresholdStrategyRegistry}.
 *
 * @example
 * ```ts
 * const strategy = createThresholdStrategyRegistry().create('fbeta-sweep', {}, {});
 * const choice = strategy.choose('frustration', LabelScores.fromColumn(probabilities, targets));
 * ```
 */
export interface ThresholdStrategy {
  /** The plugin id that built this strategy. */
  readonly id: string;
  choose(label: string, scores: LabelScores): ThresholdChoice;
}

/** What a strategy factory gets from its host. */
export interface ThresholdStrategyDeps {
  /** The model's labels: when given, per-label options naming another label are rejected. */
  readonly labels?: readonly string[];
}
