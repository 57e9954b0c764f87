import { median } from '@mangaassist/common';

/**
 * The reference frequency of {@link focalAlphaFromFrequencies}: `median` of the label frequencies (mean of the two
 * middle ones for an even count) or a given frequency in (0, 1].
 *
 * @example
 * ```ts
 * const reference: AlphaReference = 0.18;
 * ```
 */
export type AlphaReference = 'median' | number;

/**
 * The fraction of rows in which each label is positive (target ≥ 0.5), from multi-hot rows in label order.
 * Throws `RangeError` naming the row when a row's length differs from the label count.
 *
 * @example
 * ```ts
 * labelFrequencies([[1, 0], [1, 1], [0, 0], [1, 0]], ['frustration', 'churn_risk']);
 * // { frustration: 0.75, churn_risk: 0.25 }
 * ```
 */
export function labelFrequencies(
  rows: Iterable<ArrayLike<number>>,
  labels: readonly string[],
): Record<string, number> {
  const positives = labels.map(() => 0);
  let count = 0;
  for (const row of rows) {
    if (row.length !== labels.length) {
      throw new RangeError(`rows[${count}] has ${row.length} values but there are ${labels.length} labels`);
    }
    for (let i = 0; i < row.length; i++) {
      if ((row[i] as number) >= 0.5) positives[i] = (positives[i] ?? 0) + 1;
    }
    count += 1;
  }
  if (count === 0) throw new RangeError('rows is empty: label frequencies need at least one row');
  return Object.fromEntries(labels.map((label, i) => [label, (positives[i] ?? 0) / count]));
}

/**
 * The design document's focal α per label: α_l = reference / frequency_l, so labels rarer than the reference weigh more.
 * The result is a map label → α that the `focal` loss accepts as its `alpha` option.
 * Throws `RangeError` naming the label when a frequency is not in (0, 1] (a label with no positive example has no
 * defined α: give it explicitly), or when the reference is not in (0, 1].
 *
 * @example
 * ```ts
 * focalAlphaFromFrequencies(
 *   { neutral: 0.45, frustration: 0.18, satisfaction: 0.15, urgency: 0.12, confusion: 0.07, churn_risk: 0.03 },
 *   { reference: 0.18 },
 * ); // { neutral: 0.4, frustration: 1, satisfaction: 1.2, urgency: 1.5, confusion: 2.571…, churn_risk: 6 }
 * ```
 */
export function focalAlphaFromFrequencies(
  frequencies: Readonly<Record<string, number>>,
  options: { readonly reference?: AlphaReference } = {},
): Record<string, number> {
  const entries = Object.entries(frequencies);
  if (entries.length === 0) throw new RangeError('frequencies is empty: give one frequency per label');
  for (const [label, frequency] of entries) {
    if (!(frequency > 0 && frequency <= 1)) {
      throw new RangeError(
        `frequencies.${label} must be in (0, 1], got ${frequency}` +
          (frequency === 0 ? ': the label has no positive example, so α is undefined; give alpha explicitly' : ''),
      );
    }
  }
  const reference = options.reference ?? 'median';
  const referenceFrequency = reference === 'median' ? median(entries.map(([, f]) => f)) : reference;
  if (!(referenceFrequency > 0 && referenceFrequency <= 1)) {
    throw new RangeError(`options.reference must be "median" or a frequency in (0, 1], got ${String(reference)}`);
  }
  return Object.fromEntries(entries.map(([label, frequency]) => [label, referenceFrequency / frequency]));
}

/**
 * {@link labelFrequencies} then {@link focalAlphaFromFrequencies}: the focal α of a dataset of multi-hot rows.
 *
 * @example
 * ```ts
 * const alpha = focalAlphaFromDataset(trainRows, labels, { reference: 'median' });
 * const loss = createLossRegistry().create('focal', { alpha }, { labels });
 * ```
 */
export function focalAlphaFromDataset(
  rows: Iterable<ArrayLike<number>>,
  labels: readonly string[],
  options: { readonly reference?: AlphaReference } = {},
): Record<string, number> {
  return focalAlphaFromFrequencies(labelFrequencies(rows, labels), options);
}

