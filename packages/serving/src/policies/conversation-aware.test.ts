import { createEscalationPolicy, createEscalationPolicyRegistry } from '../escalation-policy-registry';
import { input, LABELS, turn } from '../__tests__/policy-input';

const registry = createEscalationPolicyRegistry();
const create = (options: Record<string, unknown> = {}) => createEscalationPolicy(registry, { id: 'conversation-aware', options }, LABELS);

describe('conversation-aware escalation policy', () => {
  it('decides as its base when the message escalates or there is no earlier turn', () => {
    const policy = create();
    expect(policy.usesConversation).toBe(true);
    expect(policy.decide(input({ frustration: 0.9 }, { earlier: [turn({ frustration: 0.45 })] }))).toMatchObject({
      escalate: true,
      rule: 'frustration',
      decisionSource: 'message',
    });
    expect(policy.decide(input({ frustration: 0.45 }))).toMatchObject({ escalate: false, decisionSource: 'message', reasons: [] });
  });

  it('escalates on frustration sustained near its threshold over the window', () => {
    const policy = create();
    const earlier = [turn({ frustration: 0.42 }), turn({ frustration: 0.44 })];
    const d = policy.decide(input({ frustration: 0.41 }, { earlier }));
    expect(d).toMatchObject({ escalate: true, rule: 'conversation', priority: 'normal', decisionSource: 'conversation' });
    expect(d.reasons).toEqual(['frustration sustained over 3 turns (0.42, 0.44, 0.41; each >= 0.40)']);
    // One turn below the floor (0.8 × 0.5) breaks it; so does a window shorter than windowTurns.
    expect(policy.decide(input({ frustration: 0.41 }, { earlier: [turn({ frustration: 0.3 }), turn({ frustration: 0.44 })] })).escalate).toBe(false);
    expect(policy.decide(input({ frustration: 0.45 }, { earlier: [turn({ frustration: 0.45 })] })).escalate).toBe(false);
  });

  it('escalates on frustration rising at every turn', () => {
    const policy = create({ sustained: { enabled: false } });
    const rising = policy.decide(input({ frustration: 0.33 }, { earlier: [turn({ frustration: 0.1 }), turn({ frustration: 0.2 })] }));
    expect(rising.reasons).toEqual(['frustration rising over 3 turns (0.10 -> 0.20 -> 0.33)']);
    // Not rising at every step, too small a rise, or still far below the threshold (0.6 × 0.5 = 0.3): no.
    expect(policy.decide(input({ frustration: 0.33 }, { earlier: [turn({ frustration: 0.2 }), turn({ frustration: 0.1 })] })).escalate).toBe(false);
    expect(policy.decide(input({ frustration: 0.33 }, { earlier: [turn({ frustration: 0.25 }), turn({ frustration: 0.3 })] })).escalate).toBe(false);
    expect(policy.decide(input({ frustration: 0.29 }, { earlier: [turn({ frustration: 0.05 }), turn({ frustration: 0.1 })] })).escalate).toBe(false);
  });

  it('escalates on the third message about one order', () => {
    const policy = create();
    const earlier = [turn({}, { orders: ['48213'] }), turn({}, { orders: ['77120'] }), turn({}, { orders: ['48213'] })];
    const d = policy.decide(input({}, { orders: ['48213'], earlier }));
    expect(d.reasons).toEqual(['order 48213 mentioned in 3 messages']);
    expect(policy.decide(input({}, { orders: ['77120'], earlier })).escalate).toBe(false);
    expect(create({ repeatedOrder: { minContacts: 2 } }).decide(input({}, { orders: ['77120'], earlier })).escalate).toBe(true);
  });

  it('carries an earlier churn phrase over to churn_risk within maxTurnsAgo', () => {
    const policy = create({ churnCarryOver: { maxTurnsAgo: 2 } });
    const said = [turn({}, { churnPhrases: ['cancel'] }), turn({})];
    const d = policy.decide(input({ churn: 0.2 }, { earlier: said }));
    expect(d.reasons).toEqual(['churn phrase "cancel" 2 turns earlier: churn_risk 0.20 + 0.35 >= 0.50']);
    // The boost alone (0.05 + 0.35) does not reach 0.5; a phrase three turns back is out of the window.
    expect(policy.decide(input({ churn: 0.05 }, { earlier: said })).escalate).toBe(false);
    expect(policy.decide(input({ churn: 0.2 }, { earlier: [...said, turn({})] })).escalate).toBe(false);
  });

  it('turns every signal off when disabled', () => {
    const policy = create({
      sustained: { enabled: false },
      rising: { enabled: false },
      repeatedOrder: { enabled: false },
      churnCarryOver: { enabled: false },
    });
    const earlier = [turn({ frustration: 0.1 }, { orders: ['11111'], churnPhrases: ['cancel'] }), turn({ frustration: 0.45 }, { orders: ['11111'] })];
    expect(policy.decide(input({ frustration: 0.46, churn: 0.3 }, { orders: ['11111'], earlier })).escalate).toBe(false);
  });

  it('wraps priority-weighted and gives conversation escalations the configured target', () => {
    const sla = { tier: 'p3', responseMinutes: 30, queue: 'follow-up' };
    const policy = create({ base: { id: 'priority-weighted', options: {} }, sla });
    const earlier = [turn({ frustration: 0.45 }), turn({ frustration: 0.45 })];
    expect(policy.decide(input({ frustration: 0.45 }, { earlier })).sla).toEqual(sla);
    expect(policy.decide(input({ frustration: 0.9 }, { earlier })).sla).toEqual({ tier: 'p2', responseMinutes: 15, queue: 'standard' });
  });

  it('rejects itself as base, unknown bases and bad options with the path', () => {
    expect(() => create({ base: { id: 'conversation-aware' } })).toThrow(/options.base must be another policy/);
    expect(() => create({ base: { id: 'nope' } })).toThrow(/unknown escalation policy plugin "nope"; known: conversation-aware, default, priority-weighted/);
    expect(() => create({ windowTurns: 1 })).toThrow(/options\.windowTurns/);
    expect(() => registry.create('conversation-aware', {}, {})).toThrow(/needs deps.createPolicy/);
  });
});
