import { DEFAULT_LABELS } from '@mangaassist/common';
import { generateCorpus } from '../generator/generate-corpus';
import { stratifiedSplit } from '../split/stratified-split';
import { baselineLabelSet, evaluateBaseline, trainTfidfBaseline } from './tfidf-baseline';

describe('trainTfidfBaseline', () => {
  const corpus = generateCorpus({ n: 1200, seed: 3 });
  const { train, val } = stratifiedSplit(corpus.examples, { valFraction: 0.25, seed: 1 });
  const baseline = trainTfidfBaseline(train, DEFAULT_LABELS);

  it('learns the generated corpus well above chance on a held-out split', () => {
    const report = evaluateBaseline(baseline, { examples: val, coveredLabels: DEFAULT_LABELS });
    expect(report.macroF1).toBeGreaterThan(0.6);
    expect(report.perLabel.find((m) => m.label === 'neutral')!.f1).toBeGreaterThan(0.85);
  });

  it('scores only the labels a dataset covers', () => {
    const report = evaluateBaseline(baseline, { examples: val, coveredLabels: ['frustration', 'neutral'] });
    expect(report.perLabel.map((m) => m.label)).toEqual(['frustration', 'neutral']);
  });

  it('always answers, and never pairs neutral with another label', () => {
    const predictions = baseline.predict(['', 'where is my order?? need it by friday!!', 'thank you so much, it arrived early']);
    for (const labels of predictions) {
      expect(labels.length).toBeGreaterThan(0);
      if (labels.includes('neutral')) expect(labels).toEqual(['neutral']);
    }
  });
});

describe('baselineLabelSet', () => {
  const labels = ['frustration', 'satisfaction', 'neutral'];

  it('keeps the labels at or above the threshold and drops neutral beside another', () => {
    expect(baselineLabelSet(labels, [0.5, 0.2, 0.9])).toEqual(['frustration']);
    expect(baselineLabelSet(labels, [0.6, 0.7, 0.1])).toEqual(['frustration', 'satisfaction']);
    expect(baselineLabelSet(labels, [0.1, 0.2, 0.5])).toEqual(['neutral']);
    expect(baselineLabelSet(labels, [0.45, 0.2, 0.1], 0.4)).toEqual(['frustration']);
  });

  it('answers the most likely label when none reaches the threshold, the first on a tie', () => {
    expect(baselineLabelSet(labels, [0.1, 0.3, 0.2])).toEqual(['satisfaction']);
    expect(baselineLabelSet(labels, [0.3, 0.3, 0.2])).toEqual(['frustration']);
  });

  it('is the rule predict applies', () => {
    const baseline = trainTfidfBaseline(generateCorpus({ n: 300, seed: 5 }).examples, DEFAULT_LABELS);
    const texts = ['', 'where is my order?? need it by friday!!', 'thank you so much', 'cancel my account'];
    const probabilities = baseline.predictProba(texts);
    expect(baseline.predict(texts, 0.4)).toEqual(probabilities.map((p) => baselineLabelSet(DEFAULT_LABELS, p, 0.4)));
  });

  it('refuses probabilities that do not match the labels', () => {
    expect(() => baselineLabelSet(labels, [0.1, 0.2])).toThrow('2 probabilities for 3 labels');
  });
});
