import { MangaAssistError } from '@mangaassist/common';
import { z } from 'zod';

/**
 * The `reduction` option shared by every built-in loss: `mean` (default), `sum` or `none`. With a mask, `mean` and
 * `sum` cover the unmasked elements only (see `Loss.compute`).
 *
 * @example
 * ```ts
 * const schema = z.object({ reduction: reductionSchema }).strict();
 * ```
 */
export const reductionSchema = z
  .enum(['mean', 'sum', 'none'])
  .default('mean')
  .describe('mean over all N×L elements (default; over the unmasked ones when a mask is given), sum, or none (the N×L matrix)');

/**
 * Per-label values given either as a list in label order or as a map label → value (labels left out of a map get
 * 1). Values must be finite and positive.
 *
 * @example
 * ```ts
 * perLabelValuesSchema.parse([0.4, 1, 1.2]);
 * perLabelValuesSchema.parse({ churn_risk: 6 });
 * ```
 */
export const perLabelValuesSchema = z.union([
  z.array(z.number().positive().finite()).min(1),
  z.record(z.string(), z.number().positive().finite()),
]);

/**
 * Parsed form of {@link perLabelValuesSchema}.
 *
 * @example
 * ```ts
 * const alpha: PerLabelValues = { neutral: 0.4, churn_risk: 6 };
 * ```
 */
export type PerLabelValues = z.infer<typeof perLabelValuesSchema>;

/**
 * Turns per-label values (list or map) into a list in label order, `1` for every label when absent. Throws
 * `PLUGIN_OPTIONS_INVALID` naming the option, the label count and the labels when a list has the wrong length or a
 * map names an unknown label.
 *
 * @example
 * ```ts
 * resolvePerLabel('focal', 'alpha', { churn_risk: 6 }, ['neutral', 'churn_risk']); // [1, 6]
 * ```
 */
export function resolvePerLabel(
  lossId: string,
  option: string,
  values: PerLabelValues | undefined,
  labels: readonly string[],
): number[] {
  const path = `loss[${lossId}].options.${option}`;
  if (values === undefined) return labels.map(() => 1);
  if (Array.isArray(values)) {
    if (values.length !== labels.length) {
      throw new MangaAssistError(
        'PLUGIN_OPTIONS_INVALID',
        `${path} has ${values.length} value(s) but there are ${labels.length} labels (${labels.join(', ')}); ` +
          `give one value per label in this order, or a map label → value`,
        { path, expected: labels.length, got: values.length, labels: [...labels] },
      );
    }
    return [...values];
  }
  const unknown = Object.keys(values).filter((key) => !labels.includes(key));
  if (unknown.length > 0) {
    throw new MangaAssistError(
      'PLUGIN_OPTIONS_INVALID',
      `${path} names unknown label(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')}; ` +
        `known labels: ${labels.join(', ')}`,
      { path, unknown, labels: [...labels] },
    );
  }
  return labels.map((label) => values[label] ?? 1);
}
