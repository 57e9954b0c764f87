import { ClassificationService } from './classification-service';
import { InMemoryConversationMemory, type ConversationMemory } from './conversation/conversation-memory';
import { createEscalationPolicy, createEscalationPolicyRegistry } from './escalation-policy-registry';
import type { TextClassifier } from './text-classifier';

const classifier: TextClassifier = {
  labels: ['frustration', 'churn_risk'],
  modelId: 'm1',
  predict: async (texts) => texts.map((t) => Float32Array.of(t.includes('angry') ? 0.9 : t.includes('meh') ? 0.45 : 0.1, 0.2)),
  dispose: async () => undefined,
};

function service(overrides: Partial<ConstructorParameters<typeof ClassificationService>[0]> = {}) {
  const reads: string[] = [];
  const s = new ClassificationService({
    classifier,
    thresholds: { getEffective: async (modelId) => (reads.push(modelId), { frustration: 0.5, churn_risk: 0.5 }) },
    batching: { maxBatch: 8, maxWaitMs: 0, queueLimit: 16 },
    churnRule: { enabled: true, phrases: ['cancel'], boost: 0.35 },
    defaultThreshold: 0.5,
    timeoutMs: 1000,
    ...overrides,
  });
  return { s, reads };
}

describe('ClassificationService', () => {
  it('decides per text with thresholds read for the model, phrase rule included', async () => {
    const { s, reads } = service();
    const decisions = await s.classify(['angry', 'I will cancel', 'fine']);
    expect(decisions.map((d) => d.rule)).toEqual(['frustration', 'churn_phrase', 'none']);
    expect(reads).toEqual(['m1']);
    expect(s.labels).toEqual(['frustration', 'churn_risk']);
    await s.drain();
    expect(s.draining).toBe(true);
    await expect(s.classify(['x'])).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
  });

  it('ignores phrases when the rule is disabled', async () => {
    const { s } = service({ churnRule: { enabled: false, phrases: ['cancel'], boost: 0.35 } });
    const [d] = await s.classify(['I will cancel']);
    expect(d).toMatchObject({ rule: 'none', escalate: false });
    expect(d!.explanation.churnPhrases).toEqual([]);
  });

  it('uses the stored churn phrase list from the next call on, and the last one read while the source fails', async () => {
    let list: { phrases: string[] } | null = null;
    let fail = false;
    const errors: unknown[] = [];
    const { s } = service({
      churnPhrases: { getChurnPhrases: async () => (fail ? Promise.reject(new Error('store down')) : list) },
      onChurnPhraseError: (e) => errors.push(e),
    });
    const rules = async () => (await s.classify(['I will cancel', 'refund now or else'])).map((d) => d.rule);
    expect(await rules()).toEqual(['churn_phrase', 'none']);
    expect(await s.churnPhrasesInUse()).toEqual({ phrases: ['cancel'], source: 'config' });
    list = { phrases: ['refund now'] };
    expect(await rules()).toEqual(['none', 'churn_phrase']);
    expect(await s.churnPhrasesInUse()).toEqual({ phrases: ['refund now'], source: 'store' });
    fail = true;
    expect(await rules()).toEqual(['none', 'churn_phrase']);
    expect(errors).toHaveLength(1);
  });

  it('rejects when the threshold source fails and has nothing to fall back on', async () => {
    const { s } = service({ thresholds: { getEffective: async () => Promise.reject(new Error('store down')) } });
    await expect(s.classify(['angry'])).rejects.toThrow('store down');
  });

  describe('with a conversation-aware policy', () => {
    const policy = createEscalationPolicy(createEscalationPolicyRegistry(), { id: 'conversation-aware', options: {} }, classifier.labels);
    const memory = () => new InMemoryConversationMemory({ maxConversations: 10, maxTurns: 5, ttlMs: 60_000 }, () => 5);

    it('decides each message with the remembered turns before it, and remembers it', async () => {
      const conversations = memory();
      const { s } = service({ policy, conversations, now: () => 5 });
      expect((await s.classify(['meh'], { conversationId: 'c' }))[0]).toMatchObject({ escalate: false });
      expect((await s.classify(['meh'], { conversationId: 'c' }))[0]).toMatchObject({ escalate: false });
      const [third] = await s.classify(['meh'], { conversationId: 'c' });
      expect(third).toMatchObject({ escalate: true, decisionSource: 'conversation', rule: 'conversation' });
      // Another conversation, or none, starts from nothing.
      expect((await s.classify(['meh'], { conversationId: 'other' }))[0]!.escalate).toBe(false);
      expect((await s.classify(['meh']))[0]!.escalate).toBe(false);
      expect((await conversations.turns('c')).map((t) => t.probabilities.frustration)).toEqual([0.45, 0.45, 0.45].map(Math.fround));
      expect((await conversations.turns('c'))[0]).toMatchObject({ at: 5, orders: [], churnPhrases: [] });
      await s.drain();
    });

    it("takes a caller's history as the earlier turns, classified in the same batch, and keeps it", async () => {
      const conversations = memory();
      const batches: number[] = [];
      const counting = { ...classifier, predict: async (texts: readonly string[]) => (batches.push(texts.length), classifier.predict(texts)) };
      const { s } = service({ policy, conversations, classifier: counting });
      const [d] = await s.classify(['where is order 48213'], { conversationId: 'c', history: ['order 48213?', 'about order #48213 again'] });
      expect(d).toMatchObject({ escalate: true, decisionSource: 'conversation', reasons: ['order 48213 mentioned in 3 messages'] });
      expect(batches).toEqual([3]);
      expect(await conversations.turns('c')).toHaveLength(3);
      await s.drain();
    });

    it('decides on the message alone when the memory fails, and reports the failure', async () => {
      const broken: ConversationMemory = {
        kind: 'broken',
        turns: async () => Promise.reject(new Error('down')),
        append: async () => Promise.reject(new Error('down')),
        replace: async () => undefined,
        close: async () => undefined,
      };
      const errors: string[] = [];
      const { s } = service({ policy, conversations: broken, onConversationError: (e, id) => errors.push(`${id}: ${(e as Error).message}`) });
      expect((await s.classify(['angry'], { conversationId: 'c' }))[0]).toMatchObject({ escalate: true, decisionSource: 'message' });
      expect(errors).toEqual(['c: down', 'c: down']);
      await s.drain();
    });

    it('ignores conversations with a policy that decides on the message alone', async () => {
      const conversations = memory();
      const { s } = service({ conversations });
      await s.classify(['meh'], { conversationId: 'c', history: ['meh', 'meh'] });
      expect(await conversations.turns('c')).toEqual([]);
      expect(s.policyId).toBe('default');
      await s.drain();
    });
  });
});
