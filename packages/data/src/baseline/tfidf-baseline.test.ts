import { DEFAULT_LABELS } from '@mangaassist/common';
import { generateCorpus } from '../generator/generate-corpus';
import { stratifiedSplit } from '../split/stratified-split';
import { evaluateBaseline, trainTfidfBaseline } from './tfidf-baseline';

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
