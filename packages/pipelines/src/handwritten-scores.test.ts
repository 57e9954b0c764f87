import { formatHandwrittenScores, type HandwrittenScore } from './handwritten-scores';

it('prints what the slice is to the model, then the figures the design document sets targets for, model and baseline', () => {
  const side = (macroF1: number) => ({ macroF1, exactMatch: 0.63, frustration: { precision: 0.73, recall: 0.79 }, satisfactionPrecision: 0.9 });
  const score: HandwrittenScore = { slice: 'test', file: 'handwritten-test.jsonl', messages: 156, role: 'evaluation', model: side(0.8131), baseline: side(0.833) };
  expect(formatHandwrittenScores([score, { ...score, slice: 'dev', messages: 227, role: 'training' }])).toBe(
    '  test (156 messages, never trained or tuned on)\n' +
      '    model            macro-F1 0.813  exact match 0.63  frustration P 0.73 R 0.79  satisfaction P 0.90\n' +
      '    TF-IDF baseline  macro-F1 0.833  exact match 0.63  frustration P 0.73 R 0.79  satisfaction P 0.90\n' +
      '  dev (227 messages, trained on)\n' +
      '    model            macro-F1 0.813  exact match 0.63  frustration P 0.73 R 0.79  satisfaction P 0.90\n' +
      '    TF-IDF baseline  macro-F1 0.833  exact match 0.63  frustration P 0.73 R 0.79  satisfaction P 0.90\n',
  );
});
