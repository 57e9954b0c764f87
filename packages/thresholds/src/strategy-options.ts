import { MangaAssistError } from '@mangaassist/common';
import { z } from 'zod';
import type { LabelScores } from './label-scores';
import type { ThresholdChoice } from './threshold-strategy';

/**
 * Rejects per-label option keys that are not labels of the model (a typo such as `frustraton` would otherwise be
 * silently ignored and the label would get the default).
 *
 * @example
 * ```ts
 * checkPerLabelKeys('fbeta-sweep', 'betas', { frustration: 2 }, ['frustration', 'neutral']);
 * ```
 */
export function checkPerLabelKeys(
  strategyId: string,
  field: string,
  perLabel: Readonly<Record<string, unknown>>,
  labels: readonly string[] | undefined,
): void {
  checkLabelList(strategyId, field, Object.keys(perLabel), labels);
}

/**
 * Rejects a list option naming labels that the model does not have (a typo in `labels: ['frustraton']` would otherwise
 * leave `frustration` out of the list without a word). Same message as {@link checkPerLabelKeys}.
 *
 * @example
 * ```ts
 * checkLabelList('fbeta-sweep', 'labels', ['frustration'], ['frustration', 'neutral']);
 * ```
 */
export function checkLabelList(
  strategyId: string,
  field: string,
  names: readonly string[],
  labels: readonly string[] | undefined,
): void {
  if (!labels) return;
  const unknown = names.filter((name) => !labels.includes(name));
  if (unknown.length > 0) {
    throw new MangaAssistError(
      'PLUGIN_OPTIONS_INVALID',
      `threshold strategy "${strategyId}": options.${field} names unknown label(s) ${unknown.map((l) => `"${l}"`).join(', ')}; ` +
        `labels: ${labels.join(', ')}`,
      { id: strategyId, field, unknown, labels: [...labels] },
    );
  }
}

/**
 * The `labels` option of a strategy that may choose only some labels' thresholds: the labels it chooses; every other
 * label keeps {@link otherThresholdOption}. Thresholds chosen on generated validation text can transfer poorly to
 * messages people write, so a config may choose only the labels whose recall an escalation rule needs
 * (`['frustration']`) and leave the rest at the untuned default. Absent: every label is chosen.
 */
export const chosenLabelsOption = z
  .array(z.string().min(1))
  .min(1, 'labels must name at least one label (leave it out to choose every label)')
  .superRefine((labels, ctx) => {
    const repeated = [...new Set(labels.filter((label, i) => labels.indexOf(label) !== i))];
    if (repeated.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `labels names ${repeated.map((l) => `"${l}"`).join(', ')} more than once`,
      });
    }
  })
  .optional();

/** The threshold of the labels a strategy's {@link chosenLabelsOption} leaves out (unused when `labels` is absent). */
export const otherThresholdOption = z.number().gt(0).lt(1).default(0.5);

/**
 * The choice of a label that a strategy's `labels` option leaves out: held at `threshold` and reported as F-β there,
 * with a note that says why.
 *
 * @example
 * ```ts
 * heldAt('precision-at-recall', scores, 1, 0.5).note; // 'fixed at 0.5: not in precision-at-recall's labels'
 * ```
 */
export function heldAt(strategyId: string, scores: LabelScores, beta: number, threshold: number): ThresholdChoice {
  const notes = [`fixed at ${threshold}: not in ${strategyId}'s labels`, ...(scores.support === 0 ? ['no positive example in the data'] : [])];
  return fbetaChoiceAt(scores, threshold, beta, notes.join('; '));
}

/** Rounds grid points so that 0.1 + 3 × 0.05 prints and compares as 0.25, not 0.25000000000000006. */
export function roundThreshold(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

/** Evenly spaced thresholds from `from` to `to` (both included when `to` is on the grid). */
export function thresholdGrid(from: number, to: number, step: number): number[] {
  const count = Math.floor((to - from) / step + 1e-9);
  return Array.from({ length: count + 1 }, (_, i) => roundThreshold(from + i * step));
}

/**
 * A label's choice at `threshold`, reported as F-β there (`metric` `F2`, `F0.5` …) with its precision, recall and
 * support, and `note` when given: what the `fixed` strategy and `fbeta-sweep` (swept or held) return.
 *
 * @example
 * ```ts
 * fbetaChoiceAt(scores, 0.5, 1, undefined); // { threshold: 0.5, score: 0.8, metric: 'F1', … }
 * ```
 */
export function fbetaChoiceAt(scores: LabelScores, threshold: number, beta: number, note: string | undefined): ThresholdChoice {
  const at = scores.metricsAt(threshold, beta);
  return {
    threshold,
    score: at.fbeta,
    metric: `F${formatBeta(beta)}`,
    precision: at.precision,
    recall: at.recall,
    beta,
    support: scores.support,
    ...(note ? { note } : {}),
  };
}

function formatBeta(beta: number): string {
  return Number.isInteger(beta) ? String(beta) : String(Number(beta.toFixed(3)));
}
