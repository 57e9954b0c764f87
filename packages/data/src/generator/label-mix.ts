/**
 * Target share of each label among all label assignments in the MangaAssist corpus (they sum to 1): a message
 * with two labels counts once for each. Read as shares of messages instead, these could not coexist with ~23%
 * multi-label messages — with neutral alone on 45% of messages, the other five labels' 55% would leave no room
 * for a second label on any message.
 *
 * @example
 * ```ts
 * MANGAASSIST_LABEL_SHARES.neutral; // 0.45
 * ```
 */
export const MANGAASSIST_LABEL_SHARES: Readonly<Record<string, number>> = {
  neutral: 0.45,
  frustration: 0.18,
  satisfaction: 0.15,
  urgency: 0.12,
  confusion: 0.07,
  churn_risk: 0.03,
};

/**
 * Share of all messages for each multi-label combination (names joined with `+`, alphabetical). Together 0.23:
 * the corpus's multi-label share. Chosen from how the labels co-occur in customer service (mixed praise and
 * complaint, frustration with urgency, churn mostly with frustration) and spread over several partners per label,
 * so that no label becomes a predictor of another; single-label and neutral shares are then derived so that every
 * label hits its assignment share exactly.
 *
 * @example
 * ```ts
 * MULTI_LABEL_COMBINATIONS['frustration+urgency']; // 0.048
 * ```
 */
export const MULTI_LABEL_COMBINATIONS: Readonly<Record<string, number>> = {
  'frustration+satisfaction': 0.05,
  'frustration+urgency': 0.048,
  'satisfaction+urgency': 0.037,
  'confusion+urgency': 0.024,
  'confusion+satisfaction': 0.018,
  'confusion+frustration': 0.016,
  'churn_risk+frustration': 0.012,
  'churn_risk+confusion': 0.004,
  'churn_risk+urgency': 0.003,
  'churn_risk+satisfaction': 0.003,
  'churn_risk+frustration+urgency': 0.008,
  'confusion+frustration+urgency': 0.004,
  'frustration+satisfaction+urgency': 0.003,
};

/**
 * A label combination and its share of messages.
 *
 * @example
 * ```ts
 * const part: CombinationShare = { labels: ['frustration', 'urgency'], share: 0.05 };
 * ```
 */
export interface CombinationShare {
  readonly labels: readonly string[];
  readonly share: number;
}

/**
 * Every label combination of the corpus with its share of messages: the multi-label ones as given, each label alone
 * with whatever its assignment share still needs, and neutral (always alone) with the rest. Solving for the total
 * number of assignments T per message: T = 1 + Σ (|combo| − 1)·share, then label l alone gets
 * share_l·T − Σ(multi shares containing l). Throws `RangeError` if a label would need a negative share.
 *
 * @example
 * ```ts
 * const mix = combinationShares(); // [{ labels: ['neutral'], share: 0.5603 }, …]
 * ```
 */
export function combinationShares(
  labelShares: Readonly<Record<string, number>> = MANGAASSIST_LABEL_SHARES,
  multi: Readonly<Record<string, number>> = MULTI_LABEL_COMBINATIONS,
): CombinationShare[] {
  const combos = Object.entries(multi)
    .filter(([, share]) => share > 0)
    .map(([key, share]) => ({ labels: key.split('+'), share }));
  const assignmentsPerMessage = 1 + combos.reduce((sum, combo) => sum + (combo.labels.length - 1) * combo.share, 0);
  const result: CombinationShare[] = [];
  for (const [label, share] of Object.entries(labelShares)) {
    const inMulti = combos.filter((combo) => combo.labels.includes(label)).reduce((sum, combo) => sum + combo.share, 0);
    const alone = share * assignmentsPerMessage - inMulti;
    if (alone < -1e-9) throw new RangeError(`label "${label}" is over-used by multi-label combinations: needs ${alone.toFixed(4)} alone`);
    result.push({ labels: [label], share: Math.max(0, alone) });
  }
  return [...result, ...combos];
}

/**
 * Whole-message counts per combination for a corpus of `n` messages (largest-remainder rounding, so counts sum to
 * `n` and each is within one of its exact share). Ties are broken by combination order, so counts are the same for
 * every seed.
 *
 * @example
 * ```ts
 * combinationQuotas(5000).reduce((sum, q) => sum + q.count, 0); // 5000
 * ```
 */
export function combinationQuotas(n: number, shares: readonly CombinationShare[] = combinationShares()): Array<{ labels: readonly string[]; count: number }> {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  const total = shares.reduce((sum, s) => sum + s.share, 0);
  const exact = shares.map((s) => (s.share / total) * n);
  const counts = exact.map(Math.floor);
  let missing = n - counts.reduce((sum, c) => sum + c, 0);
  const byRemainder = exact.map((value, index) => ({ index, rest: value - Math.floor(value) })).sort((a, b) => b.rest - a.rest || a.index - b.index);
  for (const { index } of byRemainder) {
    if (missing === 0) break;
    counts[index] = (counts[index] as number) + 1;
    missing--;
  }
  return shares.map((s, index) => ({ labels: s.labels, count: counts[index] as number }));
}
