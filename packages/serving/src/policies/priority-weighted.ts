import { MangaAssistError } from '@mangaassist/common';
import { z } from 'zod';
import { decideEscalation, type EscalationPriority } from '../escalation';
import { checkPolicyLabels, messageReasons, type EscalationPolicyDescriptor, type EscalationSla } from '../escalation-policy';

const tierSchema = z
  .object({
    /** Name of the tier, for agents and routing (`p1`). */
    tier: z.string().min(1),
    /** The tier applies when the weight of the active labels is at least this. */
    minWeight: z.number().positive(),
    /** How soon a human agent should answer, in minutes. */
    responseMinutes: z.number().positive(),
    /** The agent queue escalations of this tier go to. */
    queue: z.string().min(1),
  })
  .strict();

/*
 * The defaults follow the design document's priority-weighted OR: frustration or churn_risk alone escalates, both
 * at once is more urgent and gets a shorter response-time target. The document gives no minutes; 5 and 15 are a
 * starting point for operators to replace with their own agreements.
 */
const DEFAULT_WEIGHTS = { frustration: 1, churn_risk: 1 };
const DEFAULT_TIERS = [
  { tier: 'p1', minWeight: 2, responseMinutes: 5, queue: 'priority' },
  { tier: 'p2', minWeight: 1, responseMinutes: 15, queue: 'standard' },
];

const optionsSchema = z
  .object({
    /** Label → weight of the label when it is active; labels not listed weigh 0. */
    weights: z.record(z.string(), z.number().min(0)).default(DEFAULT_WEIGHTS),
    /** Priority tiers: the message escalates into the tier with the highest `minWeight` its weight reaches. */
    tiers: z.array(tierSchema).min(1).default(DEFAULT_TIERS),
  })
  .strict();

/** Options of the `priority-weighted` policy. */
export type PriorityWeightedPolicyOptions = z.infer<typeof optionsSchema>;

/**
 * `priority-weighted`: the design document's priority-weighted OR. Each active label adds its weight; the message
 * escalates when the sum reaches the lowest tier's `minWeight`, into the highest tier it reaches, and the decision
 * carries that tier's response-time target (`sla`). Labels are active as in `default` (threshold, churn phrase
 * boost). With the default weights and tiers it escalates exactly when `default` does, with `high` priority in the
 * top tier.
 *
 * @example
 * ```ts
 * registry.create('priority-weighted', { weights: { frustration: 1, churn_risk: 1, urgency: 0.5 } }, { labels });
 * ```
 */
export const priorityWeightedPolicy: EscalationPolicyDescriptor<PriorityWeightedPolicyOptions> = {
  id: 'priority-weighted',
  description: 'Sum the weights of the active labels; escalate into the highest priority tier the sum reaches, with its response-time target.',
  optionsSchema,
  create(options, deps) {
    checkPolicyLabels('priority-weighted', 'weights', Object.keys(options.weights), deps.labels);
    const tiers = [...options.tiers].sort((a, b) => b.minWeight - a.minWeight);
    for (const field of ['tier', 'minWeight'] as const) {
      const seen = tiers.map((t) => t[field]);
      const dup = seen.find((v, i) => seen.indexOf(v) !== i);
      if (dup !== undefined) {
        throw new MangaAssistError('PLUGIN_OPTIONS_INVALID', `escalation policy "priority-weighted": options.tiers has two tiers with ${field} ${JSON.stringify(dup)}; each must be unique`, {
          id: 'priority-weighted',
          field: `tiers.${field}`,
        });
      }
    }
    const weighted = Object.keys(options.weights).filter((label) => (options.weights[label] ?? 0) > 0);
    return {
      id: 'priority-weighted',
      usesConversation: false,
      decide(input) {
        const base = decideEscalation(input.labels, input.probabilities, input.settings, input.churnPhrases);
        const weight = base.active.reduce((sum, label) => sum + (options.weights[label] ?? 0), 0);
        const tierIndex = tiers.findIndex((t) => weight >= t.minWeight);
        const tier = tierIndex >= 0 ? tiers[tierIndex] : undefined;
        const escalate = tier !== undefined;
        const priority: EscalationPriority = !tier ? 'none' : tierIndex === 0 && tiers.length > 1 ? 'high' : 'normal';
        const sla: EscalationSla | undefined = tier ? { tier: tier.tier, responseMinutes: tier.responseMinutes, queue: tier.queue } : undefined;
        const reasons = escalate
          ? [...messageReasons(base, weighted), `weight ${weight} >= ${tier.minWeight}: tier ${tier.tier} (${tier.responseMinutes} min, queue ${tier.queue})`]
          : [];
        return {
          ...base,
          escalate,
          priority,
          rule: escalate ? (base.rule === 'none' ? 'weighted' : base.rule) : 'none',
          decisionSource: 'message',
          reasons,
          ...(sla ? { sla } : {}),
        };
      },
    };
  },
};
