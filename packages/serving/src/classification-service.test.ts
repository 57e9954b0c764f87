import { ClassificationService } from './classification-service';
import type { TextClassifier } from './text-classifier';

const classifier: TextClassifier = {
  labels: ['frustration', 'churn_risk'],
  modelId: 'm1',
  predict: async (texts) => texts.map((t) => Float32Array.of(t.includes('angry') ? 0.9 : 0.1, 0.2)),
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

  it('rejects when the threshold source fails and has nothing to fall back on', async () => {
    const { s } = service({ thresholds: { getEffective: async () => Promise.reject(new Error('store down')) } });
    await expect(s.classify(['angry'])).rejects.toThrow('store down');
  });
});
