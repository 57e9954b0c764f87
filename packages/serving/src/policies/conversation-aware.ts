import { pluginSelectionSchema } from '@mangaassist/common';
import { z } from 'zod';
import { ESCALATION_LABELS } from '../escalation';
import type { EscalationInput, EscalationPolicyDescriptor, EscalationSla, PolicyDecision } from '../escalation-policy';

const ratio = z.number().gt(0).max(1);

const optionsSchema = z
  .object({
    /** The policy deciding on the message alone; the conversation is consulted only when it does not escalate. */
    base: pluginSelectionSchema('default').default({ id: 'default', options: {} }),
    /** Turns looked at for sustained or rising frustration, this message included. */
    windowTurns: z.number().int().min(2).max(50).default(3),
    /** Frustration at least `ratio` × its threshold in every turn of the window. */
    sustained: z.object({ enabled: z.boolean().default(true), ratio: ratio.default(0.8) }).strict().default({ enabled: true, ratio: 0.8 }),
    /**
     * Frustration rising at every turn of the window, by at least `minRise` in all, and at least `ratio` × its
     * threshold in this message.
     */
    rising: z
      .object({ enabled: z.boolean().default(true), minRise: z.number().gt(0).lt(1).default(0.15), ratio: ratio.default(0.6) })
      .strict()
      .default({ enabled: true, minRise: 0.15, ratio: 0.6 }),
    /** An order number of this message was mentioned in at least `minContacts` messages, this one included. */
    repeatedOrder: z
      .object({ enabled: z.boolean().default(true), minContacts: z.number().int().min(2).default(3) })
      .strict()
      .default({ enabled: true, minContacts: 3 }),
    /**
     * A churn phrase in one of the last `maxTurnsAgo` earlier turns keeps applying its boost to churn_risk: a
     * customer who said "cancel" two messages ago and now sounds only mildly at risk is still at risk.
     */
    churnCarryOver: z
      .object({ enabled: z.boolean().default(true), maxTurnsAgo: z.number().int().min(1).default(6) })
      .strict()
      .default({ enabled: true, maxTurnsAgo: 6 }),
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
 * repeated contact about one order, or a churn phrase earlier in the conversation that keeps boosting churn_risk.
 * A message whose probabilities alone are ambiguous then escalates with `decisionSource: 'conversation'`, rule
 * `conversation`, and one reason per signal that fired. Without earlier turns it decides as its base.
 *
 * @example
 * ```ts
 * const policy = registry.create('conversation-aware', { windowTurns: 3 }, { labels, createPolicy });
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
    return {
      id: 'conversation-aware',
      usesConversation: true,
      decide(input): PolicyDecision {
        const decision = base.decide(input);
        if (decision.escalate || input.earlier.length === 0) return decision;
        const reasons = conversationReasons(options, input, decision);
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

function conversationReasons(options: ConversationAwarePolicyOptions, input: EscalationInput, decision: PolicyDecision): string[] {
  const reasons: string[] = [];
  const signals = new Map(decision.explanation.signals.map((s) => [s.label, s]));
  const frustration = signals.get(ESCALATION_LABELS.frustration);
  if (frustration) {
    const window = [...input.earlier.slice(-(options.windowTurns - 1)).map((t) => t.probabilities[frustration.label] ?? 0), frustration.probability];
    if (window.length === options.windowTurns) {
      const floor = options.sustained.ratio * frustration.threshold;
      if (options.sustained.enabled && window.every((p) => p >= floor)) {
        reasons.push(`frustration sustained over ${window.length} turns (${window.map(fmt).join(', ')}; each >= ${fmt(floor)})`);
      }
      const rise = (window.at(-1) as number) - (window[0] as number);
      const risingEveryTurn = window.every((p, i) => i === 0 || p > (window[i - 1] as number));
      if (
        options.rising.enabled &&
        risingEveryTurn &&
        rise >= options.rising.minRise &&
        frustration.probability >= options.rising.ratio * frustration.threshold
      ) {
        reasons.push(`frustration rising over ${window.length} turns (${window.map(fmt).join(' -> ')})`);
      }
    }
  }
  if (options.repeatedOrder.enabled) {
    for (const order of input.orders) {
      const contacts = 1 + input.earlier.filter((t) => t.orders.includes(order)).length;
      if (contacts >= options.repeatedOrder.minContacts) reasons.push(`order ${order} mentioned in ${contacts} messages`);
    }
  }
  const churn = signals.get(ESCALATION_LABELS.churn);
  if (options.churnCarryOver.enabled && churn && !churn.active && decision.explanation.churnPhrases.length === 0) {
    const recent = input.earlier.slice(-options.churnCarryOver.maxTurnsAgo);
    let index = recent.length - 1;
    while (index >= 0 && (recent[index] as (typeof recent)[number]).churnPhrases.length === 0) index -= 1;
    if (index >= 0) {
      const turn = recent[index] as (typeof recent)[number];
      const boost = input.settings.churnBoost;
      const score = Math.min(1, churn.probability + boost);
      if (boost > 0 && score >= churn.threshold) {
        const ago = recent.length - index;
        reasons.push(
          `churn phrase ${turn.churnPhrases.map((p) => JSON.stringify(p)).join(', ')} ${ago} turn${ago === 1 ? '' : 's'} earlier: ` +
            `churn_risk ${fmt(churn.probability)} + ${fmt(boost)} >= ${fmt(churn.threshold)}`,
        );
      }
    }
  }
  return reasons;
}
