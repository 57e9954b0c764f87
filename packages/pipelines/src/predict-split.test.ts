import { onnxSplitModel, predictSplit, splitScores, tfjsSplitModel, type SplitModel } from './predict-split';

const LABELS = ['frustration', 'urgency', 'churn_risk', 'neutral'];
const examples = [
  { text: 'late again', labels: ['frustration'] },
  { text: 'ok', labels: ['neutral'] },
  { text: 'where is it', labels: ['frustration', 'neutral'] },
];
/** Probability of label j for text i: (i + 1) / 10 + j / 100, so every cell tells where it came from. */
const cell = (i: number, j: number) => (i + 1) / 10 + j / 100;
const textIndex = (text: string) => examples.findIndex((e) => e.text === text);
const model = (calls: string[][] = []): SplitModel => ({
  labels: LABELS,
  async predict(texts) {
    calls.push([...texts]);
    return texts.map((t) => LABELS.map((_, j) => cell(textIndex(t), j)));
  },
});

describe('predictSplit', () => {
  it('keeps the columns of the labels the split covers, in model order, with 0/1 targets', async () => {
    const result = await predictSplit(model(), { examples, coveredLabels: ['neutral', 'frustration', 'urgency'] });
    expect(result.labels).toEqual(['frustration', 'urgency', 'neutral']);
    expect(result.uncovered).toEqual(['churn_risk']);
    expect(result.texts).toEqual(examples.map((e) => e.text));
    expect(result.probabilities.map((row) => [...row])).toEqual(examples.map((_, i) => [0, 1, 3].map((j) => Math.fround(cell(i, j)))));
    expect(result.targets.map((row) => [...row])).toEqual([[1, 0, 0], [0, 0, 1], [1, 0, 1]]);
  });

  it('with marked, leaves out covered labels that no example marks', async () => {
    const result = await predictSplit(model(), { examples, coveredLabels: LABELS }, { marked: true });
    expect(result.labels).toEqual(['frustration', 'neutral']);
    expect(result.uncovered).toEqual(['urgency', 'churn_risk']);
  });

  it('scores exactly the labels it is given', async () => {
    const result = await predictSplit(model(), { examples, coveredLabels: ['frustration'] }, { labels: ['neutral', 'urgency'] });
    expect(result.labels).toEqual(['neutral', 'urgency']);
    expect([...result.probabilities[0]!]).toEqual([Math.fround(cell(0, 3)), Math.fround(cell(0, 1))]);
    await expect(predictSplit(model(), { examples, coveredLabels: LABELS }, { labels: ['anger'] })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('no label anger'),
    });
  });

  it('fails naming the source when nothing can be scored', async () => {
    await expect(predictSplit(model(), { examples: [], coveredLabels: LABELS }, { source: 'empty.jsonl' })).rejects.toThrow('empty.jsonl has no examples');
    await expect(predictSplit(model(), { examples, coveredLabels: ['anger'] }, { source: 'other.jsonl' })).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: expect.stringContaining("other.jsonl annotates none of the model's labels (frustration, urgency, churn_risk, neutral)"),
    });
  });

  it('splitScores builds the same scores from probabilities already in label order', () => {
    const scores = splitScores(examples.slice(0, 1), ['neutral'], [Float32Array.of(0.2)]);
    expect(scores).toEqual({ labels: ['neutral'], texts: ['late again'], probabilities: [Float32Array.of(0.2)], targets: [Float32Array.of(0)] });
    expect(() => splitScores(examples, ['neutral'], [])).toThrow('0 probability rows for 3 examples');
  });
});

describe('runtime adapters', () => {
  it('onnxSplitModel predicts batchSize texts per call, in order', async () => {
    const calls: string[][] = [];
    const inner = model(calls);
    const rows = await onnxSplitModel(inner, 2).predict(examples.map((e) => e.text));
    expect(calls).toEqual([['late again', 'ok'], ['where is it']]);
    expect(rows).toHaveLength(3);
    expect(() => onnxSplitModel(inner, 0)).toThrow('batch size must be a positive integer, got 0');
  });

  it('tfjsSplitModel passes the batch size to predictProbabilities', async () => {
    const seen: number[] = [];
    const classifier = {
      labels: LABELS,
      predictProbabilities: async (texts: readonly string[], options: { batchSize: number }) => {
        seen.push(options.batchSize);
        return texts.map(() => [0.1, 0.2, 0.3, 0.4]);
      },
    };
    const result = await predictSplit(tfjsSplitModel(classifier, 16), { examples, coveredLabels: ['neutral'] });
    expect(seen).toEqual([16]);
    expect(result.probabilities.map((row) => [...row])).toEqual([[Math.fround(0.4)], [Math.fround(0.4)], [Math.fround(0.4)]]);
  });
});
