import { isMangaAssistError } from '@mangaassist/common';
import { createEscalationPolicyRegistry } from '../escalation-policy-registry';
import { input, LABELS } from '../__tests__/policy-input';

const registry = createEscalationPolicyRegistry();
const create = (options: unknown) => registry.create('priority-weighted', options, { labels: LABELS });

describe('priority-weighted escalation policy', () => {
  it('with its defaults escalates when default does, both labels in the top tier', () => {
    const policy = create({});
    const plain = registry.create('default', {}, {});
    for (const p of [{ frustration: 0.1 }, { frustration: 0.6 }, { churn: 0.7 }, { frustration: 0.6, churn: 0.7 }, { urgency: 0.9 }]) {
      const d = policy.decide(input(p));
      const expected = plain.decide(input(p));
      expect([d.escalate, d.priority, d.rule]).toEqual([expected.escalate, expected.priority, expected.rule]);
    }
    expect(policy.decide(input({ frustration: 0.6, churn: 0.7 })).sla).toEqual({ tier: 'p1', responseMinutes: 5, queue: 'priority' });
    expect(policy.decide(input({ frustration: 0.6 })).sla).toEqual({ tier: 'p2', responseMinutes: 15, queue: 'standard' });
    expect(policy.decide(input({ frustration: 0.1 })).sla).toBeUndefined();
  });

  it('weighs labels: urgency alone stays below the lowest tier, with frustration it reaches the top one', () => {
    const policy = create({
      weights: { frustration: 1, churn_risk: 2, urgency: 0.5 },
      tiers: [
        { tier: 'urgent', minWeight: 2, responseMinutes: 2, queue: 'retention' },
        { tier: 'soon', minWeight: 1, responseMinutes: 10, queue: 'care' },
      ],
    });
    expect(policy.decide(input({ urgency: 0.9 })).escalate).toBe(false);
    const frustratedInAHurry = policy.decide(input({ frustration: 0.7, urgency: 0.9 }));
    expect(frustratedInAHurry).toMatchObject({ escalate: true, priority: 'normal', sla: { tier: 'soon' } });
    const churn = policy.decide(input({ churn: 0.9 }));
    expect(churn).toMatchObject({ escalate: true, priority: 'high', rule: 'churn_risk', sla: { tier: 'urgent', responseMinutes: 2, queue: 'retention' } });
    expect(churn.reasons).toEqual(['churn_risk 0.90 >= 0.50', 'weight 2 >= 2: tier urgent (2 min, queue retention)']);
  });

  it('names a label the named rules do not cover as rule "weighted"', () => {
    const policy = create({ weights: { urgency: 1 }, tiers: [{ tier: 'p2', minWeight: 1, responseMinutes: 15, queue: 'standard' }] });
    expect(policy.decide(input({ urgency: 0.8 }))).toMatchObject({ escalate: true, rule: 'weighted', priority: 'normal' });
    // frustration weighs nothing here: active, but no escalation.
    expect(policy.decide(input({ frustration: 0.9 }))).toMatchObject({ escalate: false, rule: 'none', priority: 'none', reasons: [] });
  });

  it('rejects weights of unknown labels, duplicate tiers and bad values, naming the field', () => {
    const error = (() => {
      try {
        create({ weights: { frustraton: 1 } });
      } catch (e) {
        return e;
      }
    })();
    expect(isMangaAssistError(error, 'PLUGIN_OPTIONS_INVALID')).toBe(true);
    expect((error as Error).message).toContain('options.weights names unknown label(s) "frustraton"; labels: frustration, urgency, churn_risk, neutral');
    const tier = { tier: 'a', minWeight: 1, responseMinutes: 5, queue: 'q' };
    expect(() => create({ tiers: [tier, { ...tier, minWeight: 2 }] })).toThrow(/two tiers with tier "a"/);
    expect(() => create({ tiers: [tier, { ...tier, tier: 'b' }] })).toThrow(/two tiers with minWeight 1/);
    expect(() => create({ tiers: [{ ...tier, responseMinutes: 0 }] })).toThrow(/options\.tiers\.0\.responseMinutes/);
    expect(() => create({ tiers: [] })).toThrow(/tiers/);
  });
});
