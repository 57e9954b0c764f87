import { decideEscalation } from '../escalation';
import { createEscalationPolicyRegistry } from '../escalation-policy-registry';
import { input, LABELS, SETTINGS, turn } from '../__tests__/policy-input';

const policy = createEscalationPolicyRegistry().create('default', {}, { labels: LABELS });

describe('default escalation policy', () => {
  it.each([
    [{ frustration: 0.1, churn: 0.1 }, false],
    [{ frustration: 0.6, churn: 0.1 }, true],
    [{ frustration: 0.9, churn: 0.9 }, true],
    [{ frustration: 0.49, churn: 0.49 }, false],
  ])('decides %p exactly as decideEscalation', (p, escalate) => {
    const decision = policy.decide(input(p));
    const expected = decideEscalation(LABELS, input(p).probabilities, SETTINGS, []);
    expect(decision).toMatchObject({ ...expected, decisionSource: 'message' });
    expect(decision.escalate).toBe(escalate);
    expect(decision.sla).toBeUndefined();
  });

  it('explains an escalation with the label, its probability and threshold, and the churn boost', () => {
    const decision = policy.decide(input({ frustration: 0.81, churn: 0.2 }, { churnPhrases: [{ phrase: 'cancel', matched: 'cancel' }] }));
    expect(decision.rule).toBe('frustration+churn_phrase');
    expect(decision.reasons).toEqual(['frustration 0.81 >= 0.50', 'churn_risk 0.20 + 0.35 churn phrase boost ("cancel") >= 0.50']);
    expect(policy.decide(input({ frustration: 0.2 })).reasons).toEqual([]);
  });

  it('ignores earlier turns', () => {
    expect(policy.usesConversation).toBe(false);
    const earlier = [turn({ frustration: 0.45 }), turn({ frustration: 0.45 })];
    expect(policy.decide(input({ frustration: 0.45 }, { earlier })).escalate).toBe(false);
  });

  it('rejects options', () => {
    expect(() => createEscalationPolicyRegistry().create('default', { weights: {} }, {})).toThrow(/escalation policy plugin "default"/);
  });
});
