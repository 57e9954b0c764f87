import { ChurnPhraseMatcher } from '../churn-phrases';
import type { EscalationPolicy } from '../escalation';
import type { EscalationPolicyPlugin, PolicyDecision } from '../escalation-policy';
import { extractOrderNumbers, toConversationTurn, type ConversationTurn } from './conversation-turn';

/** A labelled conversation with the model's probabilities recorded for each turn (label order of `labels`). */
export interface RecordedConversation {
  readonly id: string;
  readonly escalate: boolean;
  readonly pattern: string;
  readonly turns: readonly { readonly text: string; readonly probabilities: readonly number[] }[];
}

/** Conversation-level counts of one policy, with or without the earlier turns. */
export interface ConversationEvaluation {
  readonly policy: string;
  /** Whether each message was decided with the conversation's earlier turns. */
  readonly history: boolean;
  readonly conversations: number;
  /** Conversations labelled escalate. */
  readonly positives: number;
  /** Decided on the last message: escalations among positives / positives. */
  readonly recall: number;
  /** Decided on the last message: escalations of conversations labelled not to escalate. */
  readonly falseEscalations: number;
  /** `falseEscalations` / negatives. */
  readonly falseEscalationRate: number;
  /** The same two, counting a conversation as escalated when any of its messages escalated. */
  readonly recallAnyTurn: number;
  readonly falseEscalationsAnyTurn: number;
  /** Last messages that escalated because of the conversation (`decisionSource: 'conversation'`). */
  readonly fromConversation: number;
  /** Per pattern: conversations, and how many escalated on their last message. */
  readonly byPattern: Readonly<Record<string, { readonly escalate: boolean; readonly conversations: number; readonly escalated: number }>>;
}

/** What {@link evaluateConversations} needs besides the conversations. */
export interface ConversationEvaluationOptions {
  readonly labels: readonly string[];
  readonly policy: EscalationPolicyPlugin;
  readonly settings: EscalationPolicy;
  /** Churn phrases (as `serving.churnRule.phrases`); none when the rule is off. */
  readonly churnPhrases: readonly string[];
  /** Decide each message with the earlier turns (true) or on the message alone (false). */
  readonly history: boolean;
}

/**
 * Replays a policy over conversations whose per-turn probabilities were recorded once, the way the service decides
 * them (each message with the turns before it, or alone), and counts conversation-level recall and false
 * escalations. Replaying takes microseconds per turn, so policies and their options can be compared without
 * running the model again.
 *
 * @example
 * ```ts
 * const row = evaluateConversations(recorded, { labels, policy, settings, churnPhrases: ['cancel'], history: true });
 * console.log(row.recall, row.falseEscalations);
 * ```
 */
export function evaluateConversations(conversations: readonly RecordedConversation[], options: ConversationEvaluationOptions): ConversationEvaluation {
  const matcher = new ChurnPhraseMatcher(options.churnPhrases);
  const byPattern: Record<string, { escalate: boolean; conversations: number; escalated: number }> = {};
  let truePositives = 0;
  let falseEscalations = 0;
  let truePositivesAny = 0;
  let falseAny = 0;
  let fromConversation = 0;
  for (const conversation of conversations) {
    if (conversation.turns.length === 0) throw new RangeError(`conversation ${conversation.id} has no turns`);
    const earlier: ConversationTurn[] = [];
    let last: PolicyDecision | undefined;
    let any = false;
    for (const [i, turn] of conversation.turns.entries()) {
      if (turn.probabilities.length !== options.labels.length) {
        throw new RangeError(`conversation ${conversation.id} turn ${i}: ${turn.probabilities.length} probabilities for ${options.labels.length} labels`);
      }
      const churnPhrases = matcher.match(turn.text);
      last = options.policy.decide({
        labels: options.labels,
        probabilities: turn.probabilities,
        settings: options.settings,
        churnPhrases,
        orders: extractOrderNumbers(turn.text),
        earlier: options.history ? earlier : [],
      });
      any ||= last.escalate;
      earlier.push(toConversationTurn(turn.text, last.probabilities, churnPhrases, last.escalate, i));
    }
    const escalated = (last as PolicyDecision).escalate;
    if (escalated && last?.decisionSource === 'conversation') fromConversation += 1;
    if (conversation.escalate) {
      truePositives += escalated ? 1 : 0;
      truePositivesAny += any ? 1 : 0;
    } else {
      falseEscalations += escalated ? 1 : 0;
      falseAny += any ? 1 : 0;
    }
    const row = (byPattern[conversation.pattern] ??= { escalate: conversation.escalate, conversations: 0, escalated: 0 });
    row.conversations += 1;
    row.escalated += escalated ? 1 : 0;
  }
  const positives = conversations.filter((c) => c.escalate).length;
  const negatives = conversations.length - positives;
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  return {
    policy: options.policy.id,
    history: options.history,
    conversations: conversations.length,
    positives,
    recall: ratio(truePositives, positives),
    falseEscalations,
    falseEscalationRate: ratio(falseEscalations, negatives),
    recallAnyTurn: ratio(truePositivesAny, positives),
    falseEscalationsAnyTurn: falseAny,
    fromConversation,
    byPattern,
  };
}
