import { PluginRegistry } from '@mangaassist/common';
import type { EscalationPolicyDeps, EscalationPolicyPlugin } from './escalation-policy';
import { conversationAwarePolicy } from './policies/conversation-aware';
import { defaultPolicy } from './policies/default';
import { priorityWeightedPolicy } from './policies/priority-weighted';

/** A registry of escalation policies. */
export type EscalationPolicyRegistry = PluginRegistry<EscalationPolicyDeps, EscalationPolicyPlugin>;

/**
 * A fresh registry holding the built-in escalation policies, one per file in `policies/` (a meta-test keeps the
 * two in sync); plugin packages register more under the `escalationPolicies` key of their manifest.
 *
 * @example
 * ```ts
 * const policies = createEscalationPolicyRegistry();
 * const policy = createEscalationPolicy(policies, { id: 'conversation-aware', options: {} }, labels);
 * ```
 */
export function createEscalationPolicyRegistry(): EscalationPolicyRegistry {
  return new PluginRegistry<EscalationPolicyDeps, EscalationPolicyPlugin>('escalation policy')
    .register(defaultPolicy)
    .register(priorityWeightedPolicy)
    .register(conversationAwarePolicy);
}

/**
 * Creates the policy a configuration selects, giving it the model's labels (options naming other labels are
 * rejected) and a way to build the policies it wraps from the same registry.
 *
 * @example
 * ```ts
 * const policy = createEscalationPolicy(createEscalationPolicyRegistry(), config.serving.escalation.policy, classifier.labels);
 * ```
 */
export function createEscalationPolicy(
  registry: EscalationPolicyRegistry,
  selection: { readonly id: string; readonly options?: Readonly<Record<string, unknown>> },
  labels?: readonly string[],
): EscalationPolicyPlugin {
  const deps: EscalationPolicyDeps = {
    ...(labels ? { labels } : {}),
    createPolicy: (inner) => registry.create(inner.id, inner.options, deps),
  };
  return registry.create(selection.id, selection.options ?? {}, deps);
}
