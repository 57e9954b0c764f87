import { scoredLabels } from './scored-labels';

describe('scoredLabels', () => {
  const model = ['frustration', 'satisfaction', 'urgency', 'churn_risk', 'neutral'];
  const split = {
    coveredLabels: ['neutral', 'frustration', 'satisfaction'],
    examples: [{ labels: ['frustration'] }, { labels: ['neutral', 'frustration'] }],
  };

  it('keeps the model labels the split covers, in the model order', () => {
    expect(scoredLabels(model, split)).toEqual(['frustration', 'satisfaction', 'neutral']);
  });

  it('with marked, also drops covered labels that no example marks', () => {
    expect(scoredLabels(model, split, { marked: true })).toEqual(['frustration', 'neutral']);
  });

  it('returns nothing when the split covers none of the model labels', () => {
    expect(scoredLabels(['urgency'], split)).toEqual([]);
  });
});
