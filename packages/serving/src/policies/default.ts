import { z } from 'zod';
import { decideEscalation } from '../escalation';
import { messageReasons, type EscalationPolicyDescriptor } from '../escalation-policy';

const optionsSchema = z.object({}).strict();

/** Options of the `default` policy: none. */
export type DefaultPolicyOptions = z.infer<typeof optionsSchema>;

/**
 * `default`: the design document's escalation rule on the message alone (see `decideEscalation`): escalate when
 * frustration or churn_risk (with the churn phrase boost) reaches its threshold; both at once is priority `high`.
 * Earlier turns are not read.
 *
 * @example
 * ```ts
 * registry.create('default', {}, {}).decide(input).rule; // 'frustration'
 * ```
 */
export const defaultPolicy: EscalationPolicyDescriptor<DefaultPolicyOptions> = {
  id: 'default',
  description: 'Escalate when frustration or churn_risk (plus the churn phrase boost) reaches its threshold; both at once is high priority.',
  optionsSchema,
  create() {
    return {
      id: 'default',
      usesConversation: false,
      decide(input) {
        const decision = decideEscalation(input.labels, input.probabilities, input.settings, input.churnPhrases);
        return { ...decision, decisionSource: 'message', reasons: messageReasons(decision) };
      },
    };
  },
};
