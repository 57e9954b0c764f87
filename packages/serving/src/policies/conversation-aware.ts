import { pluginSelectionSchema } from '@mangaassist/common';
import { z } from 'zod';
import type { ConversationTurn } from '../conversation/conversation-turn';
import { ESCALATION_LABELS } from '../escalation';
import { checkPolicyLabels, type EscalationInput, type EscalationPolicyDescriptor, type EscalationSla, type PolicyDecision } from '../escalation-policy';

const ratio = z.number().gt(0).max(1);

const optionsSchema = z
  .object({
    /** The policy deciding on the message alone; the conversation is consulted only when it does not escalate. */
    base: pluginSelectionSchema('default').default({ id: 'default', options: {} }),
    /**
     * Earlier turns looked at for sustained or rising frustration (the newest ones). The message being decided is
     * not required to sound frustrated: the point is to catch "ok, so what now?" after a string of complaints.
     */
    windowTurns: z.number().int().min(2).max(50).default(2),
    /** Frustration at least `ratio` × its threshold in every earlier turn of the window. */
    sustained: z.object({ enabled: z.boolean().default(true), ratio: ratio.default(0.8) }).strict().default({ enabled: true, ratio: 0.8 }),
    /**
     * Frustration rising at every earlier turn of the window, by at least `minRise` in all, and still at least
     * `ratio` × its threshold in this message.
     */
    rising: z
      .object({ enabled: z.boolean().default(true), minRise: z.number().gt(0).lt(1).default(0.15), ratio: ratio.default(0.6) })
      .strict()
      .default({ enabled: true, minRise: 0.15, ratio: 0.6 }),
    /**
     * One order number mentioned in at least `minContacts` messages (this one included), the last time at most
     * `maxTurnsSinceMention` turns ago (0: in this message).
     */
    repeatedOrder: z
      .object({
        enabled: z.boolean().default(true),
        minContacts: z.number().int().min(2).default(3),
        maxTurnsSinceMention: z.number().int().min(0).default(1),
      })
      .strict()
      .default({ enabled: true, minContacts: 3, maxTurnsSinceMention: 1 }),
    /**
     * A churn phrase that made churn_risk active (probability + boost reached the threshold) in one of the last
     * `maxTurnsAgo` earlier turns: a customer who said "I'm cancelling" and now asks "what do you suggest" is still
     * at risk.
     */
    churnCarryOver: z
      .object({ enabled: z.boolean().default(true), maxTurnsAgo: z.number().int().min(1).default(6) })
      .strict()
      .default({ enabled: true, maxTurnsAgo: 6 }),
    /**
     * Labels that, active on this message, mean the customer is content: the conversation then escalates nothing.
     * Default: `satisfaction` when the model has it.
     */
    resolvedBy: z.array(z.string().min(1)).optional(),
    /** Response-time target of an escalation the conversation decided (the base policy's tiers cover the others). */
    sla: z.object({ tier: z.string().min(1), responseMinutes: z.number().positive(), queue: z.string().min(1) }).strict().optional(),
  })
  .strict();

/** Options of the `conversation-aware` policy. */
export type ConversationAwarePolicyOptions = z.infer<typeof optionsSchema>;

const fmt = (x: number): string => x.toFixed(2);

/**
 * `conversation-aware`: the base policy (default `default`) on the message; when it does not escalate, the
 * conversation's earlier turns may: frustration sustained near its threshold or rising over the last turns,
 * repeated contact about one order, or a churn phrase that made churn_risk active earlier in the conversation;
 * unless this message sounds content (`resolvedBy`, satisfaction by default).
 * A message whose probabilities alone are ambiguous then escalates with `decisionSource: 'conversation'`, rule
 * `conversation`, and one reason per signal that fired. Without earlier turns it decides as its base.
 *
 * @example
 * ```ts
 * const policy = registry.create('conversation-aware', { windowTurns: 2 }, { labels, createPolicy });
 * policy.decide({ ...input, earlier: await memory.turns('c-1') }).decisionSource; // 'conversation'
 * ```
 */
export const conversationAwarePolicy: EscalationPolicyDescriptor<ConversationAwarePolicyOptions> = {
  id: 'conversation-aware',
  description: 'The base policy on the message; if it does not escalate, escalate on sustained or rising frustration, repeated contact about one order, or an earlier churn phrase.',
  optionsSchema,
  create(options, deps) {
    if (options.base.id === 'conversation-aware') {
      throw new RangeError('escalation policy "conversation-aware": options.base must be another policy (default, priority-weighted, …)');
    }
    if (!deps.createPolicy) {
      throw new RangeError('escalation policy "conversation-aware" needs deps.createPolicy to build its base policy');
    }
    const base = deps.createPolicy(options.base);
    if (options.resolvedBy) checkPolicyLabels('conversation-aware', 'resolvedBy', options.resolvedBy, deps.labels);
    const resolvedBy = options.resolvedBy ?? ['satisfaction'];
    return {
      id: 'conversation-aware',
      usesConversation: true,
      decide(input): PolicyDecision {
        const decision = base.decide(input);
        if (decision.escalate || input.earlier.length === 0) return decision;
        const reasons = conversationReasons(options, resolvedBy, input, decision);
        if (reasons.length === 0) return decision;
        const sla: EscalationSla | undefined = options.sla;
        return {
          ...decision,
          escalate: true,
          priority: 'normal',
          rule: 'conversation',
          decisionSource: 'conversation',
          reasons,
          ...(sla ? { sla: { ...sla } } : {}),
        };
      },
    };
  },
};

function conversationReasons(
  options: ConversationAwarePolicyOptions,
  resolvedBy: readonly string[],
  input: EscalationInput,
  decision: PolicyDecision,
): string[] {
  const signals = new Map(decision.explanation.signals.map((s) => [s.label, s]));
  if (resolvedBy.some((label) => signals.get(label)?.active)) return [];
  const reasons: string[] = [];
  const frustration = signals.get(ESCALATION_LABELS.frustration);
  const window = input.earlier.slice(-options.windowTurns);
  if (frustration && window.length === options.windowTurns) {
    const values = window.map((t) => t.probabilities[frustration.label] ?? 0);
    const floor = options.sustained.ratio * frustration.threshold;
    if (options.sustained.enabled && values.every((p) => p >= floor)) {
      reasons.push(`frustration sustained over the last ${values.length} turns (${values.map(fmt).join(', ')}; each >= ${fmt(floor)})`);
    }
    const rise = (values.at(-1) as number) - (values[0] as number);
    const risingEveryTurn = values.every((p, i) => i === 0 || p > (values[i - 1] as number));
    const still = options.rising.ratio * frustration.threshold;
    if (options.rising.enabled && risingEveryTurn && rise >= options.rising.minRise && frustration.probability >= still) {
      reasons.push(`frustration rising over the last ${values.length} turns (${values.map(fmt).join(' -> ')}), ${fmt(frustration.probability)} now (>= ${fmt(still)})`);
    }
  }
  if (options.repeatedOrder.enabled) {
    const recent = options.repeatedOrder.maxTurnsSinceMention;
    const candidates = new Set([...input.orders, ...input.earlier.slice(input.earlier.length - recent).flatMap((t) => (recent > 0 ? t.orders : []))]);
    for (const order of candidates) {
      const contacts = (input.orders.includes(order) ? 1 : 0) + input.earlier.filter((t) => t.orders.includes(order)).length;
      if (contacts >= options.repeatedOrder.minContacts) reasons.push(`order ${order} mentioned in ${contacts} messages`);
    }
  }
  const churn = signals.get(ESCALATION_LABELS.churn);
  if (options.churnCarryOver.enabled && churn) {
    const recent = input.earlier.slice(-options.churnCarryOver.maxTurnsAgo);
    const boost = input.settings.churnBoost;
    const phraseActive = (t: ConversationTurn) =>
      boost > 0 && t.churnPhrases.length > 0 && Math.min(1, (t.probabilities[churn.label] ?? 0) + boost) >= churn.threshold;
    let index = recent.length - 1;
    while (index >= 0 && !phraseActive(recent[index] as ConversationTurn)) index -= 1;
    if (index >= 0) {
      const ago = recent.length - index;
      const phrases = (recent[index] as ConversationTurn).churnPhrases.map((p) => JSON.stringify(p)).join(', ');
      reasons.push(`churn phrase ${phrases} ${ago} turn${ago === 1 ? '' : 's'} earlier`);
    }
  }
  return reasons;
}
