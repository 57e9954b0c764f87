import { createRng, median, quantile, type PluginDescriptor } from '@mangaassist/common';
import { z } from 'zod';
import { bootstrapFbetaStandardError, type LabelScores } from '../label-scores';
import { checkLabelList, checkPerLabelKeys, chosenLabelsOption, fbetaChoiceAt, heldAt, otherThresholdOption, roundThreshold, thresholdGrid } from '../strategy-options';
import type { ThresholdChoice, ThresholdStrategy, ThresholdStrategyDeps } from '../threshold-strategy';

/**
 * β per MangaAssist label: missing a frustrated, churning or urgent customer costs more than a false alarm (β = 2);
 * confusion leans to recall (1.5); a false "satisfied" hides a problem, so precision matters there (0.5).
 */
export const DEFAULT_LABEL_BETAS: Readonly<Record<string, number>> = Object.freeze({
  frustration: 2,
  churn_risk: 2,
  urgency: 2,
  confusion: 1.5,
  satisfaction: 0.5,
  neutral: 1,
});

const optionsSchema = z
  .object({
    /** Start of the coarse sweep. */
    from: z.number().gt(0).lt(1).default(0.1),
    /** End of the coarse sweep (included). */
    to: z.number().gt(0).lt(1).default(0.9),
    step: z.number().positive().default(0.05),
    /** Step of the second sweep, over `best ± step` (within `[from, to]`); 0 turns refinement off. */
    refineStep: z.number().min(0).default(0.005),
    /** Label → β, over {@link DEFAULT_LABEL_BETAS}. */
    betas: z.record(z.string(), z.number().positive()).default({}),
    /** β of labels with no entry in `betas` nor in the defaults. */
    defaultBeta: z.number().positive().default(1),
    /** The labels whose threshold is swept; every other label is fixed at `otherThreshold`. Absent: every label is swept. */
    labels: chosenLabelsOption,
    /** Threshold of the labels not in `labels` (unused when `labels` is absent). */
    otherThreshold: otherThresholdOption,
    /**
     * How many standard errors of the best F-β a threshold may fall short by and still be chosen; 0 takes the best.
     * Above 0 this is the one-standard-error rule (CART's pruning, glmnet's `lambda.1se`): among the thresholds whose
     * F-β the validation data cannot tell from the best, take the one nearest `towards`. Where the F-β curve is flat,
     * the plain best wanders with the training seed among such thresholds; this choice leans to the default instead.
     */
    withinStandardErrors: z.number().min(0).default(0),
    /** The threshold `withinStandardErrors` leans towards: the untuned default. */
    towards: z.number().gt(0).lt(1).default(0.5),
    /** Bootstrap resamples of the validation examples that estimate the standard error of the best F-β. */
    bootstrapResamples: z.number().int().min(20).default(200),
    /** Seed of those resamples, so that the same scores always give the same threshold. */
    bootstrapSeed: z.number().int().default(0),
    /**
     * Bootstrap resamples of the validation examples on each of which the rule above (the sweep, then
     * `withinStandardErrors` when set) chooses a threshold; the label's threshold is the median of those choices
     * (bagging). 0 applies the rule once, to the data as it is. Where the F-β curve is flat, the rule's choice on one
     * sample can jump between the ends of the flat stretch with a small change of the scores; bagging smooths that
     * jump, but cannot locate a threshold the data does not (on the quickstart's generated validation split it did
     * not: `docs/results/handwritten-quality.md`).
     */
    baggedResamples: z.number().int().min(0).default(0),
  })
  .strict()
  .refine((o) => o.from < o.to, { message: 'from must be smaller than to', path: ['from'] })
  .refine((o) => o.refineStep <= o.step, { message: 'refineStep must not exceed step', path: ['refineStep'] });

/** Options of the `fbeta-sweep` strategy. */
export type FbetaSweepOptions = z.infer<typeof optionsSchema>;

/**
 * `fbeta-sweep`: per label, the threshold that maximises F-β on a coarse grid (0.1 to 0.9 by 0.05), then on a fine
 * grid (by 0.005) around the coarse best. Ties go to the higher threshold for precision-focused labels (β ≤ 1:
 * fewer alerts for the same score) and to the lower one for recall-focused labels (β > 1: fewer misses).
 *
 * With `withinStandardErrors: 1`, the threshold is instead the one nearest `towards` (0.5) on the fine grid over the
 * whole range whose F-β is within one bootstrap standard error of the best: a flat F-β curve then no longer lets the
 * training seed pick among thresholds the validation data cannot tell apart.
 *
 * With `baggedResamples`, that rule is applied to as many bootstrap resamples of the validation examples and the
 * threshold is the median of its choices, which the rule applied once can miss by landing at either end of a flat
 * stretch of the F-β curve.
 *
 * With `labels`, only those labels are swept and every other one keeps `otherThreshold` (0.5 unless given), reported
 * with its F-β there and a note. Thresholds swept on generated validation text can transfer poorly to messages people
 * write; sweeping only the labels whose recall an escalation rule needs, e.g. `labels: ['frustration']`, and leaving
 * the rest at 0.5 lets a config make that trade.
 *
 * @example
 * ```ts
 * const strategy = registry.create('fbeta-sweep', { betas: { frustration: 3 } }, { labels });
 * strategy.choose('frustration', scores); // { threshold: 0.3, metric: 'F3', score: 0.81, … }
 *
 * const frustrationOnly = registry.create('fbeta-sweep', { labels: ['frustration'] }, { labels });
 * frustrationOnly.choose('urgency', scores); // { threshold: 0.5, metric: 'F2', note: 'fixed at 0.5: not in …' }
 * ```
 */
export const fbetaSweepStrategy: PluginDescriptor<FbetaSweepOptions, ThresholdStrategyDeps, ThresholdStrategy> = {
  id: 'fbeta-sweep',
  description:
    'Per label, the threshold maximising F-beta (beta per label) over 0.1..0.9 by 0.05, refined by 0.005 around the best; ' +
    'with `labels`, only those labels are swept and the others keep `otherThreshold` (0.5); with `withinStandardErrors`, ' +
    'the threshold nearest `towards` (0.5) whose F-beta is within that many bootstrap standard errors of the best; ' +
    'with `baggedResamples`, the median of the thresholds that rule chooses on that many bootstrap resamples.',
  optionsSchema,
  create(options, deps) {
    checkPerLabelKeys('fbeta-sweep', 'betas', options.betas, deps.labels);
    if (options.labels) checkLabelList('fbeta-sweep', 'labels', options.labels, deps.labels);
    const swept = options.labels ? new Set(options.labels) : undefined;
    const betaOf = (label: string) => options.betas[label] ?? DEFAULT_LABEL_BETAS[label] ?? options.defaultBeta;
    return {
      id: 'fbeta-sweep',
      choose: (label, scores) => {
        if (swept && !swept.has(label)) return heldAt('fbeta-sweep', scores, betaOf(label), options.otherThreshold);
        const beta = betaOf(label);
        return options.baggedResamples > 0 ? bagged(scores, beta, options) : ruleOnce(scores, beta, options);
      },
    };
  },
};

/** The sweep, then `withinStandardErrors` when set: the rule applied once to `scores`. */
function ruleOnce(scores: LabelScores, beta: number, options: FbetaSweepOptions): ThresholdChoice {
  const best = sweep(scores, beta, options);
  return options.withinStandardErrors > 0 ? withinStandardErrorsOf(best, scores, options) : best;
}

/**
 * The median of {@link ruleOnce}'s thresholds over `baggedResamples` bootstrap resamples of the examples, reported with
 * F-β, precision and recall there on the examples as they are. The resamples draw from a stream seeded apart from the
 * standard-error bootstrap's (`bootstrapSeed + 1`), so each resample's rule sees the same inner resamples as the rule
 * run once would.
 */
function bagged(scores: LabelScores, beta: number, options: FbetaSweepOptions): ThresholdChoice {
  const rng = createRng(options.bootstrapSeed + 1);
  const choices: number[] = [];
  for (let r = 0; r < options.baggedResamples; r += 1) {
    choices.push(ruleOnce(scores.resample(rng), beta, options).threshold);
  }
  const threshold = roundThreshold(median(choices));
  const once = ruleOnce(scores, beta, options);
  const note =
    `median of ${choices.length} bootstrap choices (quartiles ${roundThreshold(quantile(choices, 0.25))}–` +
    `${roundThreshold(quantile(choices, 0.75))}); the rule on the data as it is: ${once.threshold}`;
  return fbetaChoiceAt(scores, threshold, beta, once.note ? `${once.note}; ${note}` : note);
}

function sweep(scores: LabelScores, beta: number, options: FbetaSweepOptions): ThresholdChoice {
  const preferHigher = beta <= 1;
  let best = bestOf(scores, thresholdGrid(options.from, options.to, options.step), beta, preferHigher);
  if (options.refineStep > 0) {
    const lo = Math.max(options.from, roundThreshold(best.threshold - options.step));
    const hi = Math.min(options.to, roundThreshold(best.threshold + options.step));
    // The fine grid contains the coarse best, so refinement never lowers the score.
    best = bestOf(scores, [...thresholdGrid(lo, hi, options.refineStep), best.threshold], beta, preferHigher);
  }
  const note = scores.support === 0 ? 'no positive example in the data: every threshold scores 0' : undefined;
  return fbetaChoiceAt(scores, best.threshold, beta, note);
}

/**
 * The threshold nearest `options.towards` whose F-β is at least the best's minus `withinStandardErrors` bootstrap
 * standard errors of the best's F-β; among equally near ones, the higher F-β.
 */
function withinStandardErrorsOf(best: ThresholdChoice, scores: LabelScores, options: FbetaSweepOptions): ThresholdChoice {
  const standardError = bootstrapFbetaStandardError(scores, best.threshold, best.beta, {
    resamples: options.bootstrapResamples,
    seed: options.bootstrapSeed,
  });
  const floor = best.score - options.withinStandardErrors * standardError - TIE_EPSILON;
  const grid = [...thresholdGrid(options.from, options.to, options.refineStep > 0 ? options.refineStep : options.step), best.threshold];
  let chosen = { threshold: best.threshold, score: best.score };
  for (const threshold of grid) {
    const score = scores.metricsAt(threshold, best.beta).fbeta;
    if (score < floor) continue;
    const distance = Math.abs(threshold - options.towards);
    const chosenDistance = Math.abs(chosen.threshold - options.towards);
    if (distance < chosenDistance - TIE_EPSILON || (Math.abs(distance - chosenDistance) <= TIE_EPSILON && score > chosen.score)) {
      chosen = { threshold, score };
    }
  }
  const note =
    `best ${best.metric} ${best.score.toFixed(3)} at ${best.threshold}; nearest ${options.towards} within ` +
    `${options.withinStandardErrors} standard error(s) (${standardError.toFixed(3)})`;
  return fbetaChoiceAt(scores, chosen.threshold, best.beta, best.note ? `${best.note}; ${note}` : note);
}

// Scores within this distance are ties: they differ only by floating-point noise of the same counts.
const TIE_EPSILON = 1e-12;

function bestOf(scores: LabelScores, grid: readonly number[], beta: number, preferHigher: boolean) {
  let best = { threshold: Number.NaN, score: Number.NEGATIVE_INFINITY };
  for (const threshold of [...grid].sort((a, b) => a - b)) {
    const score = scores.metricsAt(threshold, beta).fbeta;
    const better = score > best.score + TIE_EPSILON;
    const tie = Math.abs(score - best.score) <= TIE_EPSILON;
    if (better || (tie && preferHigher)) best = { threshold, score };
  }
  return best;
}
