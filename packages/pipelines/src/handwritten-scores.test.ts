import { baselineAtThresholds, formatHandwrittenScores, type HandwrittenScore } from './handwritten-scores';

it('prints what the slice is to the model, then the figures the design document sets targets for, model and baseline', () => {
  const side = (macroF1: number) => ({ macroF1, exactMatch: 0.63, frustration: { precision: 0.73, recall: 0.79 }, satisfactionPrecision: 0.9 });
  const score: HandwrittenScore = { slice: 'test', file: 'handwritten-test.jsonl', messages: 156, role: 'evaluation', model: side(0.8131), baseline: side(0.833) };
  expect(formatHandwrittenScores([score, { ...score, slice: 'dev', messages: 227, role: 'training' }])).toBe(
    '  test (156 messages, never trained or tuned on)\n' +
      '    model                 macro-F1 0.813  exact match 0.63  frustration P 0.73 R 0.79  satisfaction P 0.90\n' +
      '    TF-IDF baseline       macro-F1 0.833  exact match 0.63  frustration P 0.73 R 0.79  satisfaction P 0.90\n' +
      '  dev (227 messages, trained on)\n' +
      '    model                 macro-F1 0.813  exact match 0.63  frustration P 0.73 R 0.79  satisfaction P 0.90\n' +
      '    TF-IDF baseline       macro-F1 0.833  exact match 0.63  frustration P 0.73 R 0.79  satisfaction P 0.90\n',
  );
});

it("adds the baseline decided like the model, and says what each line's rule is", () => {
  const side = (macroF1: number) => ({ macroF1, exactMatch: 0.63, frustration: { precision: 0.73, recall: 0.79 }, satisfactionPrecision: 0.9 });
  const score: HandwrittenScore = {
    slice: 'test3', file: 'handwritten-test3.jsonl', messages: 255, role: 'evaluation', model: side(0.8), baseline: side(0.81), baselineCalibrated: side(0.78),
  };
  const printed = formatHandwrittenScores([score]);
  expect(printed).toContain("    TF-IDF, model's rule  macro-F1 0.780  exact match 0.63");
  expect(printed).toMatch(/\n  \(the model with its calibrated thresholds, as served; the baseline at its own rule; "TF-IDF, model's rule": the baseline with thresholds chosen like the model's\)\n$/);
  expect(formatHandwrittenScores([{ ...score, baselineCalibrated: undefined }])).not.toContain("model's rule");
});

it('adds the baseline trained on the hand-written messages alone after the others, and says what it is', () => {
  const side = (macroF1: number) => ({ macroF1, exactMatch: 0.63, frustration: { precision: 0.73, recall: 0.79 }, satisfactionPrecision: 0.9 });
  const score: HandwrittenScore = {
    slice: 'test3', file: 'handwritten-test3.jsonl', messages: 255, role: 'evaluation', model: side(0.8), baseline: side(0.81), baselineHandwrittenOnly: side(0.825),
  };
  expect(formatHandwrittenScores([score])).toBe(
    '  test3 (255 messages, never trained or tuned on)\n' +
      '    model                 macro-F1 0.800  exact match 0.63  frustration P 0.73 R 0.79  satisfaction P 0.90\n' +
      '    TF-IDF baseline       macro-F1 0.810  exact match 0.63  frustration P 0.73 R 0.79  satisfaction P 0.90\n' +
      '    TF-IDF, hand-written  macro-F1 0.825  exact match 0.63  frustration P 0.73 R 0.79  satisfaction P 0.90\n' +
      '  ("TF-IDF, hand-written": the baseline trained on the hand-written training messages alone, at its own rule)\n',
  );
});

it('decides the baseline at per-label thresholds, then the guideline label set, with no fallback label', () => {
  const labels = ['frustration', 'satisfaction', 'neutral'];
  const rows: Record<string, number[]> = { a: [0.3, 0.1, 0.6], b: [0.1, 0.7, 0.1], c: [0.1, 0.1, 0.1], d: [0.25, 0.1, 0.1] };
  const baseline = { labels, predictProba: (texts: readonly string[]) => texts.map((t) => Float32Array.from(rows[t]!)) };
  const examples = [
    { text: 'a', labels: ['frustration'] }, // frustration + neutral reached: neutral dropped beside frustration, exact
    { text: 'b', labels: ['satisfaction'] }, // exact
    { text: 'c', labels: ['neutral'] }, // nothing reaches a threshold: neutral (not the most likely label), exact
    { text: 'd', labels: ['neutral'] }, // frustration at 0.25 ≥ 0.2: a false frustration, and neutral missed
  ];
  const figures = baselineAtThresholds(baseline, [0.2, 0.5, 0.5], examples);
  // frustration: TP 1 (a), FP 1 (d) → P 0.5, R 1, F1 2/3; satisfaction: F1 1; neutral: TP 1 (c), FN 1 (d) → F1 2/3.
  expect(figures.frustration).toEqual({ precision: 0.5, recall: 1 });
  expect(figures.satisfactionPrecision).toBe(1);
  expect(figures.macroF1).toBeCloseTo((2 / 3 + 1 + 2 / 3) / 3, 10);
  expect(figures.exactMatch).toBe(0.75);
});
