import { createEscalationPolicy, createEscalationPolicyRegistry } from '../escalation-policy-registry';
import { evaluateConversations, type RecordedConversation } from './evaluate-conversations';

const labels = ['frustration', 'churn_risk'];
const settings = { thresholds: { frustration: 0.5, churn_risk: 0.5 }, defaultThreshold: 0.5, churnBoost: 0.35 };
const registry = createEscalationPolicyRegistry();
const policy = (id: string) => createEscalationPolicy(registry, { id, options: {} }, labels);
const turn = (text: string, frustration: number, churn = 0.05) => ({ text, probabilities: [frustration, churn] });

const conversations: RecordedConversation[] = [
  { id: 'a', escalate: true, pattern: 'sustained', turns: [turn('late', 0.45), turn('still late', 0.44), turn('ok', 0.42)] },
  { id: 'b', escalate: true, pattern: 'order', turns: [turn('order 48213?', 0.1), turn('order 48213 again', 0.1), turn('order 48213', 0.1)] },
  { id: 'c', escalate: true, pattern: 'angry', turns: [turn('hi', 0.1), turn('furious', 0.9)] },
  { id: 'd', escalate: false, pattern: 'resolved', turns: [turn('late', 0.45), turn('found it', 0.05), turn('ok', 0.1)] },
  { id: 'e', escalate: false, pattern: 'early-anger', turns: [turn('furious', 0.9), turn('ok', 0.1)] },
];

describe('evaluateConversations', () => {
  it('counts last-message and any-turn escalations without history', () => {
    const row = evaluateConversations(conversations, { labels, policy: policy('default'), settings, churnPhrases: ['cancel'], history: false });
    expect(row).toMatchObject({ policy: 'default', history: false, conversations: 5, positives: 3, falseEscalations: 0, falseEscalationsAnyTurn: 1, fromConversation: 0 });
    expect(row.recall).toBeCloseTo(1 / 3, 9);
    expect(row.recallAnyTurn).toBeCloseTo(1 / 3, 9);
    expect(row.byPattern.sustained).toEqual({ escalate: true, conversations: 1, escalated: 0 });
  });

  it('lets the conversation-aware policy escalate on history, and says how many came from it', () => {
    const row = evaluateConversations(conversations, { labels, policy: policy('conversation-aware'), settings, churnPhrases: ['cancel'], history: true });
    expect(row.recall).toBe(1);
    expect(row).toMatchObject({ falseEscalations: 0, fromConversation: 2, falseEscalationRate: 0 });
    // Without history the same policy is its base.
    expect(evaluateConversations(conversations, { labels, policy: policy('conversation-aware'), settings, churnPhrases: [], history: false }).recall).toBeCloseTo(1 / 3, 9);
  });

  it('rejects a turn whose probabilities do not match the labels', () => {
    const bad: RecordedConversation[] = [{ id: 'x', escalate: true, pattern: 'p', turns: [{ text: 'a', probabilities: [0.1] }] }];
    expect(() => evaluateConversations(bad, { labels, policy: policy('default'), settings, churnPhrases: [], history: true })).toThrow('conversation x turn 0: 1 probabilities for 2 labels');
  });
});
