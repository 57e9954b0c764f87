import { decideEscalation, resolveThreshold, type EscalationPolicy } from './escalation';

const labels = ['frustration', 'satisfaction', 'churn_risk', 'neutral'];
const policy: EscalationPolicy = {
  thresholds: { frustration: 0.5, churn_risk: 0.4, satisfaction: 0.6 },
  defaultThreshold: 0.7,
  churnBoost: 0.3,
};
const cancel = [{ phrase: 'cancel', matched: 'cancel' }];

describe('decideEscalation', () => {
  it.each([
    // [frustration, churn, phrases?, rule, priority]
    [0.1, 0.1, false, 'none', 'none'],
    [0.5, 0.1, false, 'frustration', 'normal'], // threshold reached exactly is active
    [0.49, 0.39, false, 'none', 'none'],
    [0.1, 0.4, false, 'churn_risk', 'normal'],
    [0.9, 0.9, false, 'frustration+churn_risk', 'high'],
    [0.1, 0.1, true, 'churn_phrase', 'normal'], // 0.1 + 0.3 = 0.4 reaches 0.4
    [0.1, 0.05, true, 'none', 'none'], // 0.35 < 0.4: the boost alone is not enough
    [0.8, 0.2, true, 'frustration+churn_phrase', 'high'],
    [0.8, 0.45, true, 'frustration+churn_risk', 'high'], // the model alone reached it
  ] as const)('frustration %p churn %p phrase %p → %s / %s', (f, c, phrase, rule, priority) => {
    const decision = decideEscalation(labels, [f, 0.2, c, 0.1], policy, phrase ? cancel : []);
    expect(decision.rule).toBe(rule);
    expect(decision.priority).toBe(priority);
    expect(decision.escalate).toBe(rule !== 'none');
  });

  it('reports model probabilities, active labels in model order, and the explanation', () => {
    const d = decideEscalation(labels, Float32Array.of(0.75, 0.65, 0.2, 0.71), policy, cancel);
    expect(d.probabilities.churn_risk).toBeCloseTo(0.2, 6); // not boosted
    // neutral reached its threshold, but the guideline label set drops it beside the other labels; its signal keeps
    // the comparison.
    expect(d.active).toEqual(['frustration', 'satisfaction', 'churn_risk']);
    const churn = d.explanation.signals.find((s) => s.label === 'churn_risk')!;
    expect(churn.score).toBeCloseTo(0.5, 6);
    expect(churn.thresholdSource).toBe('store');
    const neutral = d.explanation.signals.find((s) => s.label === 'neutral')!;
    expect(neutral).toMatchObject({ threshold: 0.7, thresholdSource: 'default', active: true });
    expect(d.explanation.churnBoost).toBe(0.3);
    expect(d.explanation.churnPhrases).toEqual(cancel);
  });

  it('answers neutral when no label reached its threshold, without escalating', () => {
    const d = decideEscalation(labels, [0.45, 0.55, 0.39, 0.2], policy);
    expect(d.explanation.signals.every((s) => !s.active)).toBe(true);
    expect(d.active).toEqual(['neutral']);
    expect(d).toMatchObject({ escalate: false, rule: 'none', priority: 'none' });
    // A model without neutral is served as decided: no label at all.
    expect(decideEscalation(['frustration', 'churn_risk'], [0.2, 0.1], policy).active).toEqual([]);
  });

  it('takes each threshold from the store, else the model\'s thresholds.json, else the default, naming the source', () => {
    const withModel: EscalationPolicy = { ...policy, modelThresholds: { frustration: 0.2, churn_risk: 0.25, neutral: 0.3 } };
    const d = decideEscalation(labels, [0.45, 0.1, 0.3, 0.35], withModel);
    expect(d.explanation.signals.map((s) => [s.label, s.threshold, s.thresholdSource])).toEqual([
      ['frustration', 0.5, 'store'], // the store wins over the model's 0.2
      ['satisfaction', 0.6, 'store'],
      ['churn_risk', 0.4, 'store'],
      ['neutral', 0.3, 'model'],
    ]);
    expect(d.active).toEqual(['neutral']);
    const bare = decideEscalation(['urgency'], [0.55], { ...withModel, thresholds: {} });
    expect(bare.explanation.signals[0]).toMatchObject({ threshold: 0.7, thresholdSource: 'default', active: false });
  });

  it.each([
    [{ thresholds: { a: 0.3 }, modelThresholds: { a: 0.4 }, defaultThreshold: 0.5 }, { threshold: 0.3, source: 'store' }],
    [{ thresholds: {}, modelThresholds: { a: 0.4 }, defaultThreshold: 0.5 }, { threshold: 0.4, source: 'model' }],
    [{ thresholds: { b: 0.3 }, modelThresholds: { b: 0.4 }, defaultThreshold: 0.5 }, { threshold: 0.5, source: 'default' }],
    [{ thresholds: {}, defaultThreshold: 0.45 }, { threshold: 0.45, source: 'default' }],
  ])('resolveThreshold(a, %j) → %j', (p, expected) => {
    expect(resolveThreshold('a', p)).toEqual(expected);
  });

  it('caps the boosted score at 1', () => {
    const d = decideEscalation(labels, [0, 0, 0.9, 0], policy, cancel);
    expect(d.explanation.signals[2]!.score).toBe(1);
  });

  it('never escalates a model without the escalation labels', () => {
    const d = decideEscalation(['neutral'], [0.99], policy, cancel);
    expect(d).toMatchObject({ escalate: false, rule: 'none', priority: 'none', active: ['neutral'] });
    expect(d.explanation.churnBoost).toBe(0);
  });

  it('throws a RangeError when probabilities and labels disagree', () => {
    expect(() => decideEscalation(labels, [0.1], policy)).toThrow(RangeError);
  });
});
