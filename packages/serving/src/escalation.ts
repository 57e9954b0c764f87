import { guidelineLabelSet } from '@mangaassist/common';
import type { PhraseMatch } from './churn-phrases';

/** Labels whose activation sends a conversation to a human agent. */
export const ESCALATION_LABELS = { frustration: 'frustration', churn: 'churn_risk' } as const;

/**
 * Which rule decided the escalation:
 * - `none`: neither frustration nor churn risk is active;
 * - `frustration` / `churn_risk`: that label's probability reached its threshold;
 * - `churn_phrase`: churn risk is active only because a churn phrase raised its probability;
 * - `frustration+churn_risk` / `frustration+churn_phrase`: both are active (priority `high`);
 * - `weighted`: the `priority-weighted` policy escalated on labels the named rules do not cover (its per-label weights);
 * - `conversation`: the message alone did not escalate; the conversation's earlier turns did (`conversation-aware`).
 */
export type EscalationRule =
  | 'none'
  | 'frustration'
  | 'churn_risk'
  | 'churn_phrase'
  | 'frustration+churn_risk'
  | 'frustration+churn_phrase'
  | 'weighted'
  | 'conversation';

/** `high` when frustration and churn risk are both active, `normal` when one is, `none` otherwise. */
export type EscalationPriority = 'high' | 'normal' | 'none';

/**
 * Where a label's threshold came from, in the order they are consulted:
 * - `store`: the threshold store's effective value for the model (an operator's override or the stored value);
 * - `model`: none stored; the value calibrated for the model and shipped beside it (`thresholds.json`);
 * - `default`: neither; the server's configured default (`serving.defaultThreshold`).
 */
export type ThresholdSource = 'store' | 'model' | 'default';

/** How one label was decided. */
export interface LabelSignal {
  readonly label: string;
  /** The model's probability. */
  readonly probability: number;
  /** The probability compared with the threshold (the model's, plus the churn boost when a phrase matched). */
  readonly score: number;
  readonly threshold: number;
  /** Where `threshold` came from (see {@link ThresholdSource}). */
  readonly thresholdSource: ThresholdSource;
  /** `score >= threshold`: the comparison alone (the decision's `active` also applies the guideline label set). */
  readonly active: boolean;
}

/** Which signals decided: every label's comparison, the phrases found and the boost they added. */
export interface EscalationExplanation {
  readonly signals: readonly LabelSignal[];
  readonly churnPhrases: readonly PhraseMatch[];
  /** What was added to churn_risk (0 when no phrase matched or the rule is off). */
  readonly churnBoost: number;
}

/** The outcome for one text. */
export interface EscalationDecision {
  /** The model's probability per label. */
  readonly probabilities: Readonly<Record<string, number>>;
  /**
   * The label set served, in model order: the labels whose score reached their threshold, with `neutral` as the
   * labelling guidelines use it (dropped beside another label, the answer when no other label is on).
   */
  readonly active: readonly string[];
  readonly escalate: boolean;
  readonly priority: EscalationPriority;
  readonly rule: EscalationRule;
  readonly explanation: EscalationExplanation;
}

/** What {@link decideEscalation} needs besides the probabilities. */
export interface EscalationPolicy {
  /** Effective thresholds (label → threshold) from the store; labels absent here use `modelThresholds`. */
  readonly thresholds: Readonly<Record<string, number>>;
  /** The model's own calibrated thresholds (`thresholds.json`); labels absent here too use `defaultThreshold`. */
  readonly modelThresholds?: Readonly<Record<string, number>>;
  readonly defaultThreshold: number;
  /** Probability added to churn_risk (result capped at 1) when at least one churn phrase matched. */
  readonly churnBoost: number;
}

/**
 * A label's threshold and where it came from: the store's value, else the model's, else the configured default.
 *
 * @example
 * ```ts
 * resolveThreshold('churn_risk', { thresholds: {}, modelThresholds: { churn_risk: 0.28 }, defaultThreshold: 0.5 });
 * // { threshold: 0.28, source: 'model' }
 * ```
 */
export function resolveThreshold(
  label: string,
  policy: Pick<EscalationPolicy, 'thresholds' | 'modelThresholds' | 'defaultThreshold'>,
): { readonly threshold: number; readonly source: ThresholdSource } {
  const stored = policy.thresholds[label];
  if (stored !== undefined) return { threshold: stored, source: 'store' };
  const shipped = policy.modelThresholds?.[label];
  if (shipped !== undefined) return { threshold: shipped, source: 'model' };
  return { threshold: policy.defaultThreshold, source: 'default' };
}

/**
 * Decides which labels are active and whether to escalate.
 *
 * A label is active when its score is at least its threshold (`score >= threshold`). The score is the model's
 * probability, except for churn_risk when a churn phrase matched: then `min(1, probability + churnBoost)`.
 * `neutral` then follows the guideline label set (`guidelineLabelSet` of `@mangaassist/common`): off beside any other
 * active label, on when none is, so every message gets a set the labelling guidelines allow. The conversation
 * escalates when frustration or churn_risk is active; both at once is priority `high`.
 *
 * @example
 * ```ts
 * const decision = decideEscalation(
 *   ['frustration', 'churn_risk'], Float32Array.of(0.8, 0.2),
 *   { thresholds: { frustration: 0.5, churn_risk: 0.4 }, defaultThreshold: 0.5, churnBoost: 0.35 },
 *   [{ phrase: 'cancel', matched: 'cancel' }],
 * );
 * decision.rule; // 'frustration+churn_phrase' (0.2 + 0.35 >= 0.4)
 * decision.priority; // 'high'
 * ```
 */
export function decideEscalation(
  labels: readonly string[],
  probabilities: ArrayLike<number>,
  policy: EscalationPolicy,
  churnPhrases: readonly PhraseMatch[] = [],
): EscalationDecision {
  if (probabilities.length !== labels.length) {
    throw new RangeError(`probabilities has ${probabilities.length} values but there are ${labels.length} labels`);
  }
  const churnBoost = churnPhrases.length > 0 && labels.includes(ESCALATION_LABELS.churn) ? policy.churnBoost : 0;
  const probabilityByLabel: Record<string, number> = {};
  const signals: LabelSignal[] = labels.map((label, i) => {
    const probability = probabilities[i] as number;
    probabilityByLabel[label] = probability;
    const { threshold, source } = resolveThreshold(label, policy);
    const score = label === ESCALATION_LABELS.churn ? Math.min(1, probability + churnBoost) : probability;
    return {
      label,
      probability,
      score,
      threshold,
      thresholdSource: source,
      active: score >= threshold,
    };
  });
  const served = guidelineLabelSet(labels, signals.map((s) => s.active));
  const byLabel = new Map(signals.map((s) => [s.label, s]));
  const frustration = byLabel.get(ESCALATION_LABELS.frustration);
  const churn = byLabel.get(ESCALATION_LABELS.churn);
  const frustrated = frustration?.active ?? false;
  const churning = churn?.active ?? false;
  // churn_risk counts as the phrase's doing only when the model alone would not have reached the threshold.
  const churnRule = churn && churning ? (churn.probability >= churn.threshold ? 'churn_risk' : 'churn_phrase') : null;
  const rule: EscalationRule =
    frustrated && churnRule ? `frustration+${churnRule}` : frustrated ? 'frustration' : (churnRule ?? 'none');
  return {
    probabilities: probabilityByLabel,
    active: labels.filter((_, j) => served[j]),
    escalate: frustrated || churning,
    priority: frustrated && churning ? 'high' : frustrated || churning ? 'normal' : 'none',
    rule,
    explanation: { signals, churnPhrases, churnBoost },
  };
}
