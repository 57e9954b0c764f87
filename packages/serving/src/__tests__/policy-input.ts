import type { PhraseMatch } from '../churn-phrases';
import type { ConversationTurn } from '../conversation/conversation-turn';
import type { EscalationInput } from '../escalation-policy';

/** Labels of the test model. */
export const LABELS = ['frustration', 'urgency', 'churn_risk', 'neutral'];

/** Thresholds 0.5 / 0.5 for the escalation labels, 0.5 default, churn boost 0.35. */
export const SETTINGS = { thresholds: { frustration: 0.5, churn_risk: 0.5 }, defaultThreshold: 0.5, churnBoost: 0.35 };

/** An input with these probabilities (frustration, urgency, churn_risk; neutral 0.1). */
export function input(
  p: { frustration?: number; urgency?: number; churn?: number },
  extra: { churnPhrases?: PhraseMatch[]; orders?: string[]; earlier?: ConversationTurn[] } = {},
): EscalationInput {
  return {
    labels: LABELS,
    probabilities: [p.frustration ?? 0.05, p.urgency ?? 0.05, p.churn ?? 0.05, 0.1],
    settings: SETTINGS,
    churnPhrases: extra.churnPhrases ?? [],
    orders: extra.orders ?? [],
    earlier: extra.earlier ?? [],
  };
}

/** An earlier turn with these probabilities. */
export function turn(p: { frustration?: number; churn?: number }, extra: { orders?: string[]; churnPhrases?: string[] } = {}): ConversationTurn {
  return {
    at: 0,
    probabilities: { frustration: p.frustration ?? 0.05, urgency: 0.05, churn_risk: p.churn ?? 0.05, neutral: 0.1 },
    orders: extra.orders ?? [],
    churnPhrases: extra.churnPhrases ?? [],
    escalated: false,
  };
}
