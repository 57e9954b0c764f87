import { MangaAssistError, type PluginDescriptor } from '@mangaassist/common';
import { z } from 'zod';
import { checkLabelList, checkPerLabelKeys, chosenLabelsOption, heldAt, otherThresholdOption } from '../strategy-options';
import type { ThresholdStrategy, ThresholdStrategyDeps } from '../threshold-strategy';

const recallTarget = z.number().gt(0).max(1);

const optionsSchema = z
  .object({
    /** Recall every label must reach unless listed in `perLabel`. */
    minRecall: recallTarget.default(0.9),
    /** Label → recall target. */
    perLabel: z.record(z.string(), recallTarget).default({}),
    /** Thresholds are kept within `[min, max]` so that no label fires always or never. */
    min: z.number().gt(0).lt(1).default(0.01),
    max: z.number().gt(0).lt(1).default(0.99),
    /** The labels given a recall target; every other label is held at `otherThreshold`. Absent: every label. */
    labels: chosenLabelsOption,
    /** Threshold of the labels not in `labels` (unused when `labels` is absent). */
    otherThreshold: otherThresholdOption,
  })
  .strict()
  .refine((o) => o.min < o.max, { message: 'min must be smaller than max', path: ['min'] });

/** Options of the `precision-at-recall` strategy. */
export type PrecisionAtRecallOptions = z.infer<typeof optionsSchema>;

/**
 * `precision-at-recall`: per label, the highest threshold whose recall still reaches the target (e.g. catch 90 % of
 * frustrated customers), which is the one with the fewest false alarms among those. Exact, not on a grid: it is the
 * k-th highest positive probability, k = ⌈target × positives⌉. Score = precision there.
 *
 * With `labels`, only those labels get a target and every other one keeps `otherThreshold` (0.5 unless given),
 * reported with its F1 there and a note. Where an F-β curve is flat, its best threshold wanders with the training seed;
 * the threshold at a recall target is a quantile of the positives' scores and moves less (the quickstart's
 * frustration threshold: docs/results/handwritten-quality.md).
 *
 * @example
 * ```ts
 * registry.create('precision-at-recall', { minRecall: 0.8, perLabel: { frustration: 0.9 } }, { labels });
 * registry.create('precision-at-recall', { minRecall: 0.95, labels: ['frustration'] }, { labels }); // the rest at 0.5
 * ```
 */
export const precisionAtRecallStrategy: PluginDescriptor<
  PrecisionAtRecallOptions,
  ThresholdStrategyDeps,
  ThresholdStrategy
> = {
  id: 'precision-at-recall',
  description:
    'Per label, the highest threshold whose recall reaches a target (default 0.9); scores its precision; ' +
    'with `labels`, only those labels get a target and the others keep `otherThreshold` (0.5).',
  optionsSchema,
  create(options, deps) {
    checkPerLabelKeys('precision-at-recall', 'perLabel', options.perLabel, deps.labels);
    if (options.labels) checkLabelList('precision-at-recall', 'labels', options.labels, deps.labels);
    const targeted = options.labels ? new Set(options.labels) : undefined;
    const heldWithTarget = targeted ? Object.keys(options.perLabel).filter((label) => !targeted.has(label)) : [];
    if (heldWithTarget.length > 0) {
      throw new MangaAssistError(
        'PLUGIN_OPTIONS_INVALID',
        `threshold strategy "precision-at-recall": options.perLabel gives a recall target to ${heldWithTarget.map((l) => `"${l}"`).join(', ')}, ` +
          `which options.labels holds at otherThreshold; labels: ${[...targeted!].join(', ')}`,
        { id: 'precision-at-recall', field: 'perLabel', held: heldWithTarget },
      );
    }
    return {
      id: 'precision-at-recall',
      choose(label, scores) {
        if (targeted && !targeted.has(label)) return heldAt('precision-at-recall', scores, 1, options.otherThreshold);
        const target = options.perLabel[label] ?? options.minRecall;
        const positives = scores.positives;
        let threshold = options.max;
        if (positives.length > 0) {
          // Guard against 0.9 × 10 = 9.000000000000002 asking for one positive too many.
          const k = Math.max(1, Math.ceil(target * positives.length - 1e-9));
          const kthHighest = positives[positives.length - k] as number;
          threshold = Math.min(options.max, Math.max(options.min, kthHighest));
        }
        const at = scores.metricsAt(threshold, 1);
        const note =
          positives.length === 0
            ? 'no positive example in the data'
            : at.recall < target
              ? `recall ${target} is not reachable at or above the minimum threshold ${options.min}`
              : undefined;
        return {
          threshold,
          score: at.precision,
          metric: `precision@recall>=${target}`,
          precision: at.precision,
          recall: at.recall,
          beta: 1,
          support: scores.support,
          ...(note ? { note } : {}),
        };
      },
    };
  },
};
