import { DEFAULT_THRESHOLD, type CalibrationCurvesFile } from '@mangaassist/model-format';
import { LabelScores } from './label-scores';
import type { ThresholdChoice, ThresholdStrategy } from './threshold-strategy';
import type { ThresholdMap } from './threshold-store';

/** Rows of per-label values: one `Float32Array` (or number array) per example, in label order. */
export type LabelRows = readonly ArrayLike<number>[];

/** Input of {@link calibrate}. */
export interface CalibrationInput {
  /** Label names, in the order of the columns of `probabilities` and `targets`. */
  readonly labels: readonly string[];
  /** Predicted probabilities, one row per example. */
  readonly probabilities: LabelRows;
  /** 0/1 targets, one row per example. */
  readonly targets: LabelRows;
  readonly strategy: ThresholdStrategy;
}

/** One label's calibration: the strategy's choice plus the F1 at the default 0.5 and at the chosen threshold. */
export interface LabelCalibration extends ThresholdChoice {
  readonly label: string;
  /** F1 at the uncalibrated default threshold 0.5, the baseline. */
  readonly f1At05: number;
  /** F1 at `threshold`. */
  readonly f1AtThreshold: number;
}

/**
 * Chooses a threshold per label with `strategy` on validation predictions. Pure: no I/O.
 *
 * @example
 * ```ts
 * const results = calibrate({ labels, probabilities, targets, strategy: registry.create('fbeta-sweep', {}, { labels }) });
 * results[0]; // { label: 'frustration', threshold: 0.3, metric: 'F2', score: 0.81, f1At05: 0.62, f1AtThreshold: 0.7, … }
 * ```
 */
export function calibrate(input: CalibrationInput): LabelCalibration[] {
  return labelScoresOf(input).map((scores, j) => {
    const label = input.labels[j] as string;
    const choice = input.strategy.choose(label, scores);
    return {
      label,
      ...choice,
      f1At05: scores.metricsAt(DEFAULT_THRESHOLD, 1).fbeta,
      f1AtThreshold: scores.metricsAt(choice.threshold, 1).fbeta,
    };
  });
}

/**
 * One {@link LabelScores} per label (column), after checking shapes and values; errors name the row and column.
 *
 * @example
 * ```ts
 * const [frustration] = labelScoresOf({ labels: ['frustration'], probabilities: [[0.9]], targets: [[1]] });
 * ```
 */
export function labelScoresOf(input: Omit<CalibrationInput, 'strategy'>): LabelScores[] {
  const { labels, probabilities, targets } = input;
  if (labels.length === 0) throw new RangeError('labels must not be empty');
  if (probabilities.length !== targets.length) {
    throw new RangeError(`probabilities has ${probabilities.length} rows but targets has ${targets.length}`);
  }
  if (probabilities.length === 0) throw new RangeError('probabilities must have at least one row');
  for (let i = 0; i < probabilities.length; i += 1) {
    for (const [name, rows] of [['probabilities', probabilities], ['targets', targets]] as const) {
      const width = (rows[i] as ArrayLike<number>).length;
      if (width !== labels.length) {
        throw new RangeError(`${name}[${i}] has ${width} values but there are ${labels.length} labels`);
      }
    }
  }
  return labels.map((label, j) => {
    try {
      return LabelScores.fromColumn(
        probabilities.map((row) => row[j] as number),
        targets.map((row) => row[j] as number),
      );
    } catch (error) {
      // Name the label: the column-level message only knows the row.
      throw new RangeError(`label "${label}" (column ${j}): ${(error as Error).message}`, { cause: error });
    }
  });
}

/**
 * The thresholds of a calibration as a label → threshold map (what stores and `thresholds.json` keep).
 *
 * @example
 * ```ts
 * thresholdMapOf(calibrate(input)); // { frustration: 0.3, satisfaction: 0.65, … }
 * ```
 */
export function thresholdMapOf(results: readonly LabelCalibration[]): ThresholdMap {
  return Object.fromEntries(results.map((r) => [r.label, r.threshold]));
}

/** Precision, recall and F-β of one label at one threshold: a point of a plotted curve. */
export interface CurvePoint {
  readonly threshold: number;
  readonly precision: number;
  readonly recall: number;
  readonly fbeta: number;
  /** Share of all examples predicted positive at this threshold: what the label's escalation volume follows. */
  readonly positiveRate: number;
}

/**
 * Precision, recall, F-β and predicted-positive rate of one label at thresholds 0.01 … 0.99 (by 0.01), for plots and
 * the calibration curves shipped with a model.
 *
 * @example
 * ```ts
 * const curve = thresholdCurve(scores, 2); // 99 points
 * ```
 */
export function thresholdCurve(scores: LabelScores, beta: number, step = 0.01): CurvePoint[] {
  if (!(step > 0 && step < 1)) throw new RangeError(`step must be in (0, 1), got ${step}`);
  const points: CurvePoint[] = [];
  for (let i = 1; i * step < 1 - 1e-9; i += 1) {
    const threshold = Math.round(i * step * 1e9) / 1e9;
    const at = scores.metricsAt(threshold, beta);
    const total = at.tp + at.fp + at.fn + at.tn;
    points.push({ threshold, precision: at.precision, recall: at.recall, fbeta: at.fbeta, positiveRate: total === 0 ? 0 : (at.tp + at.fp) / total });
  }
  return points;
}

/**
 * The curves a model ships in `calibration-curves.json`: per label, precision, recall and predicted-positive rate at
 * thresholds 0.01 … 0.99 on the calibration split, with the β its threshold was chosen by — so an operator can see
 * what a threshold change will do before making it.
 *
 * @example
 * ```ts
 * const labels = calibrationCurves(rows, calibrate({ ...rows, strategy }));
 * writeCalibrationCurvesFile(dir, { version: 1, createdAt, split: { source: 'val.jsonl', examples: rows.targets.length }, labels });
 * ```
 */
export function calibrationCurves(input: Omit<CalibrationInput, 'strategy'>, results: readonly LabelCalibration[]): CalibrationCurvesFile['labels'] {
  const scores = labelScoresOf(input);
  return Object.fromEntries(
    results.map((result) => {
      const j = input.labels.indexOf(result.label);
      const points = thresholdCurve(scores[j] as LabelScores, result.beta).map(({ fbeta: _fbeta, ...point }) => point);
      return [result.label, { beta: result.beta, points }];
    }),
  );
}
