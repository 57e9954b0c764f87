import { MangaAssistError, type PluginDescriptor, type PluginSelection } from '@mangaassist/common';
import type { PhraseMatch } from './churn-phrases';
import type { ConversationTurn } from './conversation/conversation-turn';
import { ESCALATION_LABELS, type EscalationDecision, type EscalationPolicy } from './escalation';

/** What an escalation policy decides on: one message, and the turns of its conversation before it. */
export interface EscalationInput {
  /** The classifier's labels, in output order. */
  readonly labels: readonly string[];
  /** The model's probabilities for this message, in label order. */
  readonly probabilities: ArrayLike<number>;
  /** Effective thresholds, the default threshold and the churn boost. */
  readonly settings: EscalationPolicy;
  /** The churn phrases this message matched. */
  readonly churnPhrases: readonly PhraseMatch[];
  /** The message's order numbers (see `extractOrderNumbers`). */
  readonly orders: readonly string[];
  /** Earlier turns of the conversation, oldest first; empty without a conversation. */
  readonly earlier: readonly ConversationTurn[];
}

/**
 * An agent's response-time target, from the `priority-weighted` policy: the tier the escalation falls in, how
 * soon a human should answer, and the queue that routes it.
 */
export interface EscalationSla {
  readonly tier: string;
  readonly responseMinutes: number;
  readonly queue: string;
}

/** A policy's decision: the message-level decision, and where the escalation came from and why. */
export interface PolicyDecision extends EscalationDecision {
  /** `message`: this message alone decided (escalated or not); `conversation`: the earlier turns made it escalate. */
  readonly decisionSource: 'message' | 'conversation';
  /** Why, in words an agent reads (`frustration 0.81 >= 0.50`, `frustration rising over 3 turns`); empty when nothing fired. */
  readonly reasons: readonly string[];
  /** Response-time target; present when the policy assigns tiers and the message escalated. */
  readonly sla?: EscalationSla;
}

/**
 * An escalation policy: turns a message's probabilities (and its conversation) into an escalation decision.
 * Policies are plugins (`default`, `priority-weighted`, `conversation-aware`) created from an
 * {@link EscalationPolicyRegistry}; `serving.escalation.policy: { id, options }` selects one, and plugin packages
 * add more under the `escalationPolicies` key of their manifest.
 *
 * @example
 * ```ts
 * const policy = createEscalationPolicyRegistry().create('priority-weighted', {}, { labels });
 * const decision = policy.decide({ labels, probabilities, settings, churnPhrases: [], orders: [], earlier: [] });
 * decision.sla; // { tier: 'p2', responseMinutes: 15, queue: 'standard' } when one label is active
 * ```
 */
export interface EscalationPolicyPlugin {
  /** The plugin id that built this policy. */
  readonly id: string;
  /** Whether `decide` reads `earlier`: the service skips reading conversation memory for policies that do not. */
  readonly usesConversation: boolean;
  decide(input: EscalationInput): PolicyDecision;
}

/** What a policy factory gets from its host. */
export interface EscalationPolicyDeps {
  /** The model's labels: when given, options naming another label are rejected. */
  readonly labels?: readonly string[];
  /** Builds another policy of the same registry (a policy may wrap one, e.g. `conversation-aware`'s `base`). */
  readonly createPolicy?: (selection: PluginSelection) => EscalationPolicyPlugin;
}

/** A descriptor of an escalation policy plugin. */
export type EscalationPolicyDescriptor<Options> = PluginDescriptor<Options, EscalationPolicyDeps, EscalationPolicyPlugin>;

const fmt = (x: number): string => x.toFixed(2);

/**
 * Why a message-level decision escalated, one line per active escalation label: `frustration 0.81 >= 0.50`,
 * `churn_risk 0.20 + 0.35 churn phrase boost ("cancel") >= 0.40`. Empty when it did not escalate.
 *
 * @example
 * ```ts
 * messageReasons(decideEscalation(labels, probabilities, settings)); // ['frustration 0.81 >= 0.50']
 * ```
 */
export function messageReasons(decision: EscalationDecision, labels: readonly string[] = [ESCALATION_LABELS.frustration, ESCALATION_LABELS.churn]): string[] {
  const { signals, churnBoost, churnPhrases } = decision.explanation;
  return signals
    .filter((s) => s.active && labels.includes(s.label))
    .map((s) => {
      const boosted = s.score !== s.probability && s.label === ESCALATION_LABELS.churn;
      const phrases = churnPhrases.map((m) => JSON.stringify(m.phrase)).join(', ');
      return boosted
        ? `${s.label} ${fmt(s.probability)} + ${fmt(churnBoost)} churn phrase boost (${phrases}) >= ${fmt(s.threshold)}`
        : `${s.label} ${fmt(s.probability)} >= ${fmt(s.threshold)}`;
    });
}

/**
 * Rejects per-label option keys that are not labels of the model (a typo such as `frustraton` would silently
 * weigh nothing).
 *
 * @throws MangaAssistError `PLUGIN_OPTIONS_INVALID` naming the policy, the field, the unknown keys and the labels
 */
export function checkPolicyLabels(policyId: string, field: string, keys: readonly string[], labels: readonly string[] | undefined): void {
  if (!labels) return;
  const unknown = keys.filter((key) => !labels.includes(key));
  if (unknown.length > 0) {
    throw new MangaAssistError(
      'PLUGIN_OPTIONS_INVALID',
      `escalation policy "${policyId}": options.${field} names unknown label(s) ${unknown.map((l) => `"${l}"`).join(', ')}; labels: ${labels.join(', ')}`,
      { id: policyId, field, unknown, labels: [...labels] },
    );
  }
}
