/** The label that means "none of the others" in the MangaAssist label schema. */
export const NEUTRAL_LABEL = 'neutral';

/**
 * The label set the labelling guidelines allow, from per-label threshold decisions (`on[j]` for `labels[j]`):
 * `neutral` means "none of the other labels", so it is dropped beside any other label and switched on when no other
 * label is. Every other label keeps its own threshold decision, so the rule never turns frustration or churn_risk on
 * or off and cannot change an escalation. A schema without `neutral` (a custom label list) is returned as decided.
 *
 * Why: deciding each label on its own answers 2–6 % of hand-written messages with no label at all and a few with
 * `neutral` beside a complaint, two sets the guidelines never allow and exact match always counts as wrong. A fallback
 * to the most likely label instead of `neutral` was not chosen: it would switch frustration on below its threshold,
 * behind the back of the threshold an operator set.
 *
 * @example
 * ```ts
 * guidelineLabelSet(['frustration', 'urgency', 'neutral'], [true, false, true]); // [true, false, false]
 * guidelineLabelSet(['frustration', 'urgency', 'neutral'], [false, false, false]); // [false, false, true]
 * ```
 */
export function guidelineLabelSet(labels: readonly string[], on: ArrayLike<boolean | number>): boolean[] {
  if (on.length !== labels.length) throw new RangeError(`${on.length} decisions for ${labels.length} labels`);
  const decided = Array.from(on, (value) => Boolean(value));
  const neutral = labels.indexOf(NEUTRAL_LABEL);
  if (neutral < 0) return decided;
  decided[neutral] = decided.every((value, j) => j === neutral || !value);
  return decided;
}
