import * as tf from '@tensorflow/tfjs-core';
import { bceLoss, LABELS, toyExamples, useCpuBackend, VOCAB } from './__tests__/fixtures';
import type { TrainableClassifier } from './classifier';
import { evaluateClassifier, predictProbabilities } from './evaluate';
import { multiLabelMetrics } from '@mangaassist/data';
import { createTinyClassifier } from './testing/tiny-classifier';

beforeAll(useCpuBackend);

/** A classifier whose logits are fixed per example (keyed by the first token), to check the plumbing exactly. */
function scripted(logits: Record<number, number[]>): TrainableClassifier {
  return {
    labels: ['a', 'b', 'c'],
    apply: (ids) =>
      tf.tidy(() => {
        const first = (ids.arraySync() as number[][]).map((row) => logits[row[0]!]!);
        return tf.tensor2d(first);
      }),
    variablesByGroup: () => ({}),
    save: () => undefined,
    dispose: () => undefined,
  };
}

describe('predictProbabilities', () => {
  it('returns sigmoid probabilities in input order whatever the batching', async () => {
    const model = scripted({ 1: [0, 2, -2], 2: [1, 0, 0], 3: [-1, -1, 5] });
    const examples = [
      { inputIds: [3, 9, 9, 9], targets: [0, 0, 1] },
      { inputIds: [1], targets: [0, 1, 0] },
      { inputIds: [2, 9], targets: [1, 0, 0] },
    ];
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    for (const batchSize of [1, 2, 64]) {
      const { probabilities } = await predictProbabilities(model, examples, { batchSize });
      expect(probabilities.map((r) => [...r])).toEqual(
        [[-1, -1, 5], [0, 2, -2], [1, 0, 0]].map((row) => row.map((x) => expect.closeTo(sigmoid(x), 6))),
      );
    }
  });
});

describe('evaluateClassifier', () => {
  const model = scripted({ 1: [5, -5, -5], 2: [-5, 5, -5], 3: [5, 5, -5] });
  const examples = [
    { inputIds: [1], targets: [1, 0, 0] },
    { inputIds: [2], targets: [1, 1, 0] },
    { inputIds: [3], targets: [0, 1, 0] },
  ];

  it('scores only the labels present in the data by default', async () => {
    const { metrics, thresholds } = await evaluateClassifier(model, examples);
    expect(metrics.labels).toEqual(['a', 'b']);
    expect(thresholds).toEqual({ a: 0.5, b: 0.5 });
    const expected = multiLabelMetrics([[1, 0], [0, 1], [1, 1]], [[1, 0], [1, 1], [0, 1]], ['a', 'b']);
    expect(metrics).toEqual(expected);
  });

  it('applies per-label thresholds and explicit labels', async () => {
    const { metrics } = await evaluateClassifier(model, examples, { labels: ['a', 'b', 'c'], thresholds: { a: 0.999 } });
    expect(metrics.perLabel.a!.support).toBe(2);
    expect(metrics.perLabel.a!.recall).toBe(0); // sigmoid(5) = 0.9933 < 0.999
    expect(metrics.perLabel.c).toEqual({ precision: 0, recall: 0, f1: 0, support: 0, predicted: 0 });
  });

  it('decides neutral from every label, as serving does: off beside another label, on when none is', async () => {
    const withNeutral: TrainableClassifier = { ...scripted({ 1: [5, -5, 5], 2: [-5, -5, -5], 3: [-5, 5, -5] }), labels: ['a', 'b', 'neutral'] };
    const truth = [
      { inputIds: [1], targets: [1, 0, 0] }, // a and neutral reach 0.5: neutral dropped beside a
      { inputIds: [2], targets: [0, 0, 1] }, // nothing reaches 0.5: neutral
      { inputIds: [3], targets: [0, 1, 0] },
    ];
    const { metrics } = await evaluateClassifier(withNeutral, truth);
    expect(metrics.exactMatch).toBe(1);
    // Scoring only `neutral` still reads the other labels: example 1's neutral is dropped beside a.
    const only = await evaluateClassifier(withNeutral, truth, { labels: ['neutral'] });
    expect(only.metrics.perLabel.neutral).toMatchObject({ precision: 1, recall: 1, predicted: 1 });
  });

  it('rejects unknown labels and thresholds', async () => {
    await expect(evaluateClassifier(model, examples, { labels: ['z'] })).rejects.toThrow(/unknown label "z"/);
    await expect(evaluateClassifier(model, examples, { thresholds: { z: 0.3 } })).rejects.toThrow(/threshold for unknown label "z"/);
  });

  it('reports the mean loss and does not leak tensors', async () => {
    const tiny = createTinyClassifier({ labels: LABELS, vocabSize: VOCAB, dim: 8, seed: 1 });
    const loss = bceLoss();
    const data = toyExamples(20, 3);
    await evaluateClassifier(tiny, data, { loss, batchSize: 7 });
    const before = tf.memory().numTensors;
    const { loss: mean } = await evaluateClassifier(tiny, data, { loss, batchSize: 7 });
    expect(tf.memory().numTensors).toBe(before);
    // Mean BCE of an untrained model is near ln 2.
    expect(mean).toBeGreaterThan(0.3);
    expect(mean).toBeLessThan(1.5);
    tiny.dispose();
  });
});
