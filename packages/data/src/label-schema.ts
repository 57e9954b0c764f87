import { DEFAULT_LABELS, MangaAssistError, labelListSchema } from '@mangaassist/common';

/**
 * Validates a label schema (non-empty, distinct, lower snake case) and returns it frozen; without one, the six
 * MangaAssist labels (`DEFAULT_LABELS`).
 *
 * @example
 * ```ts
 * resolveLabelSchema(); // ['frustration', 'satisfaction', 'urgency', 'confusion', 'churn_risk', 'neutral']
 * resolveLabelSchema(['positive', 'negative']);
 * ```
 */
export function resolveLabelSchema(labels?: readonly string[]): readonly string[] {
  if (labels === undefined) return DEFAULT_LABELS;
  const parsed = labelListSchema.safeParse(labels);
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((issue) => issue.message).join('; ');
    throw new MangaAssistError('INVALID_ARGUMENT', `label schema ${JSON.stringify(labels)} is invalid: ${reasons}`, {
      field: 'labels',
    });
  }
  return Object.freeze(parsed.data.slice());
}

/**
 * Sorts label names into schema order and drops repeats, so that `['urgency', 'frustration', 'urgency']` and
 * `['frustration', 'urgency']` are the same example. Names outside the schema are kept at the end in input order
 * (callers validate membership separately).
 *
 * @example
 * ```ts
 * canonicalLabels(['urgency', 'frustration'], DEFAULT_LABELS); // ['frustration', 'urgency']
 * ```
 */
export function canonicalLabels(labels: readonly string[], schema: readonly string[]): string[] {
  const unique = [...new Set(labels)];
  const rank = (label: string): number => {
    const index = schema.indexOf(label);
    return index === -1 ? schema.length : index;
  };
  return unique.sort((a, b) => rank(a) - rank(b));
}
