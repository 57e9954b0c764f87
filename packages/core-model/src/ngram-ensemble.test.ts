import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  isMangaAssistError,
  NGRAM_ENSEMBLE_BIAS_TENSOR,
  NGRAM_ENSEMBLE_BIGRAM_TENSOR,
  NGRAM_ENSEMBLE_PROBABILITY_EPSILON,
  NGRAM_ENSEMBLE_UNIGRAM_TENSOR,
  ngramEnsembleLogit,
  ngramFeatureRow,
} from '@mangaassist/common';
import { readSafetensors, writeSafetensors } from '@mangaassist/model-format';
import { useCpuBackend } from './__tests__/tf-setup';
import { TINY_VOCAB, writeTinyModel } from './__tests__/tiny-model';
import { createClassifier, loadClassifier } from './classifier-load';
import type { MultiLabelClassifier } from './multi-label-classifier';
import { mixNgramEnsemble, ngramEnsembleTensors, type NgramEnsembleWeights } from './ngram-ensemble';
import { SeededRandom } from './prng';
import { maxAbsDiff } from './__tests__/max-abs-diff';

const LABELS = ['frustration', 'satisfaction', 'urgency'];
// Different lengths, so that every batch but the longest row carries padding.
const TEXTS = ['where is my order?', 'never again!', 'love this series', 'volume 14 is late again, unbelievable!'];
// Bucket counts unlike each other, so that a table read with the other part's shape would be refused.
const WIDE_BUCKETS = 97;
const ENSEMBLE_BUCKETS = 89;
const WEIGHT = 0.3;
const CLAMPED_LOGIT = Math.log((1 - NGRAM_ENSEMBLE_PROBABILITY_EPSILON) / NGRAM_ENSEMBLE_PROBABILITY_EPSILON);

/** Random ensemble tables, N(0, 0.5) like the wide tests' tables, so that the n-gram model moves the probabilities. */
function randomEnsemble(seed: number, numLabels = LABELS.length): NgramEnsembleWeights {
  const rng = new SeededRandom(seed);
  return {
    weight: WEIGHT,
    buckets: ENSEMBLE_BUCKETS,
    unigram: rng.normalArray(TINY_VOCAB.length * numLabels, 0.5),
    bigram: rng.normalArray(ENSEMBLE_BUCKETS * numLabels, 0.5),
    bias: rng.normalArray(numLabels, 0.3),
  };
}

/** The ensemble's logits in plain JavaScript: the features of `ngramFeatureRow` times the tables, plus the bias. */
function referenceNgramLogits(ensemble: NgramEnsembleWeights, ids: number[], mask: number[], numLabels: number): number[] {
  const vocabSize = TINY_VOCAB.length;
  const { indices, values } = ngramFeatureRow(ids, mask, vocabSize, ensemble.buckets);
  return Array.from({ length: numLabels }, (_, l) => {
    let z = ensemble.bias[l]!;
    indices.forEach((feature, k) => {
      const weight = feature < vocabSize ? ensemble.unigram[feature * numLabels + l]! : ensemble.bigram[(feature - vocabSize) * numLabels + l]!;
      z += values[k]! * weight;
    });
    return z;
  });
}

describe('mixNgramEnsemble (TensorFlow.js) vs ngramEnsembleLogit (plain JavaScript)', () => {
  beforeAll(useCpuBackend);

  it('agrees elementwise on a padded batch, including network logits far enough out that the probability clamps', () => {
    const ensemble = randomEnsemble(3);
    const numLabels = LABELS.length;
    // Two real rows of 5 and 2 tokens and a row without any real token; padding holds ids that would count.
    const rows = [
      [2, 7, 8, 20, 3, 0],
      [2, 3, 9, 9, 9, 9],
      [0, 0, 0, 0, 0, 0],
    ];
    const masks = [
      [1, 1, 1, 1, 1, 0],
      [1, 1, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0],
    ];
    // ±30 saturates both sigmoids in float32 only where the n-gram logit agrees; ±2 and 0 stay in the open range.
    const network = [
      [30, -30, 0.5],
      [-2, 2, 0],
      [30, -30, -1],
    ];
    // The n-gram logits must be large too for a clamp: push the first row's label 0 up and label 1 down by the bias.
    const saturating = { ...ensemble, bias: Float32Array.from(ensemble.bias, (b, l) => (l === 0 ? b + 40 : l === 1 ? b - 40 : b)) };
    const tensors = ngramEnsembleTensors(saturating, TINY_VOCAB.length, numLabels);
    const actual = tf.tidy(() =>
      Array.from(mixNgramEnsemble(tf.tensor2d(network), tf.tensor2d(rows, undefined, 'int32'), tf.tensor2d(masks, undefined, 'int32'), tensors).dataSync()),
    );
    const expected = rows.flatMap((ids, b) => referenceNgramLogits(saturating, ids, masks[b]!, numLabels).map((z, l) => ngramEnsembleLogit(network[b]![l]!, z, WEIGHT)));
    expect(maxAbsDiff(actual, expected)).toBeLessThan(1e-4);
    // Rows 0 and 2 clamp both ways (the empty row's n-gram logits are the bias alone).
    for (const b of [0, 2]) {
      expect(expected[b * numLabels]).toBeCloseTo(CLAMPED_LOGIT, 10);
      expect(expected[b * numLabels + 1]).toBeCloseTo(-CLAMPED_LOGIT, 10);
      expect(actual[b * numLabels]).toBeCloseTo(CLAMPED_LOGIT, 4);
      expect(actual[b * numLabels + 1]).toBeCloseTo(-CLAMPED_LOGIT, 4);
    }
    expect(actual.every(Number.isFinite)).toBe(true);
    tf.dispose([tensors.unigram, tensors.bigram, tensors.bias]);
  });

  it('refuses tables of another size, naming the tensor', () => {
    const ensemble = randomEnsemble(4);
    expect(() => ngramEnsembleTensors({ ...ensemble, buckets: ENSEMBLE_BUCKETS + 1 }, TINY_VOCAB.length, LABELS.length)).toThrow(
      `n-gram ensemble tensor "${NGRAM_ENSEMBLE_BIGRAM_TENSOR}" must have ${(ENSEMBLE_BUCKETS + 1) * LABELS.length} values`,
    );
    expect(() => ngramEnsembleTensors(ensemble, TINY_VOCAB.length + 1, LABELS.length)).toThrow(`n-gram ensemble tensor "${NGRAM_ENSEMBLE_UNIGRAM_TENSOR}"`);
  });
});

describe('MultiLabelClassifier with an n-gram ensemble', () => {
  let root: string;
  let encoderDir: string;
  beforeAll(useCpuBackend);
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ngram-ensemble-'));
    encoderDir = join(root, 'encoder');
    // No dropout anywhere, so that a training pass computes what an evaluation pass does.
    writeTinyModel(encoderDir, { prefix: 'distilbert.', config: { n_layers: 2, dropout: 0, attention_dropout: 0 } });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** A classifier with the wide part and a random head (std 0.5), so that each part moves the logits. */
  async function randomClassifier(seed: number): Promise<MultiLabelClassifier> {
    const model = await createClassifier(encoderDir, {
      labels: LABELS,
      seed,
      head: { hiddenDim: 16, dropout: 0, innerDropout: 0, wide: { enabled: true, buckets: WIDE_BUCKETS } },
    });
    const rng = new SeededRandom(seed + 100);
    for (const v of model.headVariables.values()) v.assign(tf.tensor(rng.normalArray(v.size, 0.5), v.shape));
    return model;
  }

  function encode(model: MultiLabelClassifier, texts: readonly string[]) {
    const encoded = model.tokenizer.encodeBatch(texts, { maxLength: 16 });
    return { ids: tf.tensor2d(encoded.inputIds, undefined, 'int32'), mask: tf.tensor2d(encoded.attentionMask, undefined, 'int32'), ...encoded };
  }

  it('mixes evaluation-mode logits only: training passes are the network alone; setNgramEnsemble(undefined) removes it without leaking', async () => {
    const model = await randomClassifier(1);
    const batch = encode(model, TEXTS);
    const logits = (training: boolean) => tf.tidy(() => Array.from(model.apply(batch.ids, batch.mask, { training }).dataSync()));
    const network = logits(false);
    expect(logits(true)).toEqual(network);
    expect(model.ngramEnsemble).toBeUndefined();

    const before = tf.memory().numTensors;
    const ensemble = randomEnsemble(2);
    model.setNgramEnsemble(ensemble);
    expect(model.ngramEnsemble).toEqual({ weight: WEIGHT, buckets: ENSEMBLE_BUCKETS });
    // The ensemble is no variable: the trainer never sees it, and the network's variables are unchanged.
    expect([...model.namedVariables().keys()].some((n) => n.startsWith('ngram_ensemble'))).toBe(false);
    expect([...model.ngramEnsembleTensorsByName().keys()]).toEqual([NGRAM_ENSEMBLE_UNIGRAM_TENSOR, NGRAM_ENSEMBLE_BIGRAM_TENSOR, NGRAM_ENSEMBLE_BIAS_TENSOR]);
    const mixed = logits(false);
    const numLabels = LABELS.length;
    const expected = batch.inputIds.flatMap((ids, b) =>
      referenceNgramLogits(ensemble, ids, batch.attentionMask[b]!, numLabels).map((z, l) => ngramEnsembleLogit(network[b * numLabels + l]!, z, WEIGHT)),
    );
    expect(maxAbsDiff(mixed, expected)).toBeLessThan(1e-4);
    expect(maxAbsDiff(mixed, network)).toBeGreaterThan(0.1);
    // Training mode ignores the ensemble (dropout 0: the network's logits exactly).
    expect(logits(true)).toEqual(network);

    model.setNgramEnsemble(undefined);
    expect(model.ngramEnsemble).toBeUndefined();
    expect(model.ngramEnsembleTensorsByName().size).toBe(0);
    expect(logits(false)).toEqual(network);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([batch.ids, batch.mask]);
    model.dispose();
  });

  it('refuses tables that do not fit the vocabulary or the labels, keeping the ensemble it had', async () => {
    const model = await randomClassifier(2);
    model.setNgramEnsemble(randomEnsemble(5));
    expect(() => model.setNgramEnsemble(randomEnsemble(6, LABELS.length + 1))).toThrow(RangeError);
    expect(model.ngramEnsemble).toEqual({ weight: WEIGHT, buckets: ENSEMBLE_BUCKETS });
    model.dispose();
  });

  it('saves config.json → ngram_ensemble and the three tensors, and loads back the same probabilities', async () => {
    const model = await randomClassifier(3);
    const ensemble = randomEnsemble(7);
    model.setNgramEnsemble(ensemble);
    const probabilities = await model.predictProbabilities(TEXTS);
    const dir = join(root, 'saved');
    await model.save(dir);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config.mangaassist_head.ngram_ensemble).toEqual({ weight: WEIGHT, buckets: ENSEMBLE_BUCKETS });
    const { tensors } = readSafetensors(join(dir, 'model.safetensors'));
    expect(tensors.get(NGRAM_ENSEMBLE_UNIGRAM_TENSOR)).toMatchObject({ dtype: 'F32', shape: [TINY_VOCAB.length, LABELS.length] });
    expect(tensors.get(NGRAM_ENSEMBLE_BIGRAM_TENSOR)!.shape).toEqual([ENSEMBLE_BUCKETS, LABELS.length]);
    expect(tensors.get(NGRAM_ENSEMBLE_BIAS_TENSOR)!.shape).toEqual([LABELS.length]);
    expect(tensors.get(NGRAM_ENSEMBLE_BIGRAM_TENSOR)!.data).toEqual(ensemble.bigram);

    const loaded = await loadClassifier(dir);
    expect(loaded.ngramEnsemble).toEqual({ weight: WEIGHT, buckets: ENSEMBLE_BUCKETS });
    // The ensemble's tensors are not reported as ignored checkpoint tensors.
    expect(loaded.report?.ignored.filter((n) => n.startsWith('ngram_ensemble'))).toEqual([]);
    expect(await loaded.predictProbabilities(TEXTS)).toEqual(probabilities);
    loaded.dispose();

    // Without the ensemble the probabilities are the network's, and a model saved without one has no trace of it.
    model.setNgramEnsemble(undefined);
    const networkProbabilities = await model.predictProbabilities(TEXTS);
    expect(maxAbsDiff(networkProbabilities.flat(), probabilities.flat())).toBeGreaterThan(0.01);
    const plainDir = join(root, 'plain');
    await model.save(plainDir);
    expect(JSON.parse(readFileSync(join(plainDir, 'config.json'), 'utf8')).mangaassist_head).not.toHaveProperty('ngram_ensemble');
    expect([...readSafetensors(join(plainDir, 'model.safetensors')).tensors.keys()].some((n) => n.startsWith('ngram_ensemble'))).toBe(false);
    const plain = await loadClassifier(plainDir);
    expect(plain.ngramEnsemble).toBeUndefined();
    expect(await plain.predictProbabilities(TEXTS)).toEqual(networkProbabilities);
    plain.dispose();
    model.dispose();
  });

  it('refuses a directory whose config has ngram_ensemble but whose weights lack a tensor, naming it', async () => {
    const model = await randomClassifier(4);
    model.setNgramEnsemble(randomEnsemble(8));
    const dir = join(root, 'saved');
    await model.save(dir);
    model.dispose();
    const weightsFile = join(dir, 'model.safetensors');
    const original = readFileSync(weightsFile);
    for (const missing of [NGRAM_ENSEMBLE_UNIGRAM_TENSOR, NGRAM_ENSEMBLE_BIGRAM_TENSOR, NGRAM_ENSEMBLE_BIAS_TENSOR]) {
      writeFileSync(weightsFile, original);
      const { tensors } = readSafetensors(weightsFile);
      tensors.delete(missing);
      writeSafetensors(weightsFile, new Map([...tensors].map(([n, t]) => [n, { shape: t.shape, data: t.data as Float32Array }])), { format: 'pt' });
      const error = await loadClassifier(dir).then(
        () => new Error('expected a rejection'),
        (e: Error) => e,
      );
      expect(isMangaAssistError(error, 'CHECKPOINT_INVALID')).toBe(true);
      expect(error.message).toContain(`tensor "${missing}" of the n-gram ensemble (mangaassist_head.ngram_ensemble) is missing`);
    }
  });
});
