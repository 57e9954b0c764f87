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

  it('escalates an ambiguous message after frustration sustained near its threshold', () => {
    const policy = create();
    const earlier = [turn({ frustration: 0.1 }), turn({ frustration: 0.42 }), turn({ frustration: 0.44 })];
    const d = policy.decide(input({ frustration: 0.05 }, { earlier }));
    expect(d).toMatchObject({ escalate: true, rule: 'conversation', priority: 'normal', decisionSource: 'conversation' });
    expect(d.reasons).toEqual(['frustration sustained over the last 2 turns (0.42, 0.44; each >= 0.40)']);
    // One turn below the floor (0.8 × 0.5) breaks it; so does a shorter conversation than windowTurns.
    expect(policy.decide(input({ frustration: 0.05 }, { earlier: [turn({ frustration: 0.44 }), turn({ frustration: 0.3 })] })).escalate).toBe(false);
    expect(policy.decide(input({ frustration: 0.45 }, { earlier: [turn({ frustration: 0.45 })] })).escalate).toBe(false);
    expect(create({ windowTurns: 3 }).decide(input({ frustration: 0.05 }, { earlier })).escalate).toBe(false);
  });

  it('does not escalate a message that sounds content (resolvedBy)', () => {
    const earlier = [turn({ frustration: 0.6 }), turn({ frustration: 0.6 })];
    const thanks = { ...input({ frustration: 0.05 }, { earlier }), probabilities: [0.05, 0.05, 0.05, 0.1, 0.9] };
    const labels = [...LABELS, 'satisfaction'];
    const policy = createEscalationPolicy(registry, { id: 'conversation-aware', options: {} }, labels);
    expect(policy.decide({ ...thanks, labels }).escalate).toBe(false);
    expect(createEscalationPolicy(registry, { id: 'conversation-aware', options: { resolvedBy: [] } }, labels).decide({ ...thanks, labels }).escalate).toBe(true);
    expect(() => create({ resolvedBy: ['hapiness'] })).toThrow('options.resolvedBy names unknown label(s) "hapiness"');
  });

  it('escalates on frustration rising over the earlier turns while this message still sounds annoyed', () => {
    const policy = create({ sustained: { enabled: false } });
    const rising = policy.decide(input({ frustration: 0.31 }, { earlier: [turn({ frustration: 0.1 }), turn({ frustration: 0.3 })] }));
    expect(rising.reasons).toEqual(['frustration rising over the last 2 turns (0.10 -> 0.30), 0.31 now (>= 0.30)']);
    // Falling, too small a rise, or this message far below the threshold (0.6 × 0.5 = 0.3): no.
    expect(policy.decide(input({ frustration: 0.31 }, { earlier: [turn({ frustration: 0.3 }), turn({ frustration: 0.1 })] })).escalate).toBe(false);
    expect(policy.decide(input({ frustration: 0.31 }, { earlier: [turn({ frustration: 0.2 }), turn({ frustration: 0.3 })] })).escalate).toBe(false);
    expect(policy.decide(input({ frustration: 0.29 }, { earlier: [turn({ frustration: 0.1 }), turn({ frustration: 0.3 })] })).escalate).toBe(false);
  });

  it('escalates on the third message about one order, mentioned in this message or the one before', () => {
    const policy = create();
    const earlier = [turn({}, { orders: ['48213'] }), turn({}, { orders: ['77120'] }), turn({}, { orders: ['48213'] })];
    expect(policy.decide(input({}, { orders: ['48213'], earlier })).reasons).toEqual(['order 48213 mentioned in 3 messages']);
    expect(policy.decide(input({}, { orders: ['77120'], earlier })).escalate).toBe(false);
    expect(create({ repeatedOrder: { minContacts: 2 } }).decide(input({}, { orders: ['77120'], earlier })).escalate).toBe(true);
    // "any update?" right after the third mention still counts; two turns later, or with maxTurnsSinceMention 0, not.
    const third = [...earlier, turn({}, { orders: ['48213'] })];
    expect(policy.decide(input({}, { earlier: third })).reasons).toEqual(['order 48213 mentioned in 3 messages']);
    expect(policy.decide(input({}, { earlier: [...third, turn({})] })).escalate).toBe(false);
    expect(create({ repeatedOrder: { maxTurnsSinceMention: 0 } }).decide(input({}, { earlier: third })).escalate).toBe(false);
  });

  it('escalates within maxTurnsAgo of a churn phrase that made churn_risk active', () => {
    const policy = create({ churnCarryOver: { maxTurnsAgo: 2 } });
    const said = [turn({ churn: 0.2 }, { churnPhrases: ['cancel'] }), turn({})];
    expect(policy.decide(input({}, { earlier: said })).reasons).toEqual(['churn phrase "cancel" 2 turns earlier']);
    // A phrase whose boost did not reach the threshold (0.05 + 0.35 < 0.5), or three turns back: no.
    expect(policy.decide(input({}, { earlier: [turn({ churn: 0.05 }, { churnPhrases: ['cancel'] }), turn({})] })).escalate).toBe(false);
    expect(policy.decide(input({}, { earlier: [...said, turn({})] })).escalate).toBe(false);
  });

  it('turns every signal off when disabled', () => {
    const policy = create({
      sustained: { enabled: false },
      rising: { enabled: false },
      repeatedOrder: { enabled: false },
      churnCarryOver: { enabled: false },
    });
    const earlier = [turn({ frustration: 0.1, churn: 0.3 }, { orders: ['11111'], churnPhrases: ['cancel'] }), turn({ frustration: 0.45 }, { orders: ['11111'] })];
    expect(policy.decide(input({ frustration: 0.46 }, { orders: ['11111'], earlier })).escalate).toBe(false);
    expect(create().decide(input({ frustration: 0.46 }, { orders: ['11111'], earlier })).escalate).toBe(true);
  });

  it('wraps priority-weighted and gives conversation escalations the configured target', () => {
    const sla = { tier: 'p3', responseMinutes: 30, queue: 'follow-up' };
    const policy = create({ base: { id: 'priority-weighted', options: {} }, sla });
    const earlier = [turn({ frustration: 0.45 }), turn({ frustration: 0.45 })];
    expect(policy.decide(input({ frustration: 0.1 }, { earlier })).sla).toEqual(sla);
    expect(policy.decide(input({ frustration: 0.9 }, { earlier })).sla).toEqual({ tier: 'p2', responseMinutes: 15, queue: 'standard' });
  });

  it('rejects itself as base, unknown bases and bad options with the path', () => {
    expect(() => create({ base: { id: 'conversation-aware' } })).toThrow(/options.base must be another policy/);
    expect(() => create({ base: { id: 'nope' } })).toThrow(/unknown escalation policy plugin "nope"; known: conversation-aware, default, priority-weighted/);
    expect(() => create({ windowTurns: 1 })).toThrow(/options\.windowTurns/);
    expect(() => registry.create('conversation-aware', {}, {})).toThrow(/needs deps.createPolicy/);
  });
});
