import type { EpochRecord, StepRecord, TrainReporter, TrainSummary } from '@mangaassist/trainer';

/**
 * Every metric line starts with this, so a log search finds them all.
 *
 * @example
 * ```ts
 * const metricLines = log.split('\n').filter((line) => line.startsWith(METRIC_LINE_PREFIX));
 * ```
 */
export const METRIC_LINE_PREFIX = 'metrics:';

/**
 * Metric definitions for the platform's log scraper (the estimator's `metric_definitions`): each regex's one group
 * captures the value from the lines {@link createMetricLineReporter} prints. Names follow the platform's
 * `channel:metric` convention.
 *
 * @example
 * ```ts
 * // The estimator's metric_definitions, as JSON.
 * process.stdout.write(JSON.stringify(METRIC_DEFINITIONS));
 * ```
 */
export const METRIC_DEFINITIONS: readonly { readonly Name: string; readonly Regex: string }[] = [
  { Name: 'train:loss', Regex: 'train_loss=([0-9.]+)' },
  { Name: 'train:step_loss', Regex: 'step_loss=([0-9.]+)' },
  { Name: 'validation:loss', Regex: 'validation_loss=([0-9.]+)' },
  { Name: 'validation:macro_f1', Regex: '\\bvalidation_macro_f1=([0-9.]+)' },
  { Name: 'validation:exact_match', Regex: 'validation_exact_match=([0-9.]+)' },
  { Name: 'validation:hamming_loss', Regex: 'validation_hamming_loss=([0-9.]+)' },
  { Name: 'validation:best_macro_f1', Regex: 'best_validation_macro_f1=([0-9.]+)' },
];

/** A metric value as the regexes expect it: fixed-point, six decimals, never exponent notation. */
function num(value: number): string {
  return value.toFixed(6);
}

/** `key=value` pairs of the finite values only (a value that is not a number is left out rather than printed as NaN). */
function pairs(values: readonly [string, number | undefined][]): string {
  return values
    .filter((entry): entry is [string, number] => entry[1] !== undefined && Number.isFinite(entry[1]))
    .map(([key, value]) => `${key}=${num(value)}`)
    .join(' ');
}

/**
 * A reporter that prints one `metrics:` line per logged step (every `logEverySteps` steps), one per epoch (training
 * loss and the validation metrics, per-label F1 included) and one at the end (the best epoch), on `write` (stdout in
 * the job), for the platform's metric regexes ({@link METRIC_DEFINITIONS}) to pick up.
 *
 * @example
 * ```ts
 * const reporter = createMetricLineReporter((line) => process.stdout.write(line), config.training.logEverySteps);
 * // metrics: epoch=1 train_loss=0.693100 validation_loss=0.690000 validation_macro_f1=0.250000 …
 * ```
 */
export function createMetricLineReporter(write: (text: string) => unknown, logEverySteps: number): TrainReporter {
  return {
    onStep(record: StepRecord) {
      if (record.globalStep % logEverySteps !== 0) return;
      write(`${METRIC_LINE_PREFIX} epoch=${record.epoch} step=${record.globalStep} ${pairs([['step_loss', record.loss]])}\n`);
    },
    onEpoch(record: EpochRecord) {
      const v = record.validation;
      const perLabel = Object.entries(v.perLabel).map(([label, m]): [string, number] => [`validation_f1_${label}`, m.f1]);
      const values = pairs([
        ['train_loss', record.trainLoss],
        ['validation_loss', v.loss],
        ['validation_macro_f1', v.macroF1],
        ['validation_exact_match', v.exactMatch],
        ['validation_hamming_loss', v.hammingLoss],
        ...perLabel,
      ]);
      write(`${METRIC_LINE_PREFIX} epoch=${record.epoch} ${values}\n`);
    },
    onEnd(summary: TrainSummary) {
      if (!summary.best) return;
      write(`${METRIC_LINE_PREFIX} best_epoch=${summary.best.epoch} ${pairs([['best_validation_macro_f1', summary.best.macroF1]])}\n`);
    },
  };
}
