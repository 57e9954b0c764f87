import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  continuationFlags,
  isMangaAssistError,
  NGRAM_ENSEMBLE_BIAS_TENSOR,
  NGRAM_ENSEMBLE_BIGRAM_TENSOR,
  NGRAM_ENSEMBLE_CONTINUATION_TENSOR,
  NGRAM_ENSEMBLE_PIECE_CODES_TENSOR,
  NGRAM_ENSEMBLE_PROBABILITY_EPSILON,
  NGRAM_ENSEMBLE_UNIGRAM_TENSOR,
  NGRAM_ENSEMBLE_WORD_IDF_TENSOR,
  NGRAM_ENSEMBLE_WORD_TENSOR,
  ngramEnsembleLogit,
  ngramFeatureRow,
  wordNgramFeatures,
  wordNgramLogits,
  wordPieceCodes,
} from '@mangaassist/common';
import { readSafetensors, WordPieceTokenizer, writeSafetensors, type SafetensorsInput } from '@mangaassist/model-format';
import { useCpuBackend } from './__tests__/tf-setup';
import { TINY_VOCAB, writeTinyModel } from './__tests__/tiny-model';
import { createClassifier, loadClassifier } from './classifier-load';
import type { MultiLabelClassifier } from './multi-label-classifier';
import {
  mixNgramEnsemble,
  namedNgramEnsembleTensors,
  ngramEnsembleTensors,
  wordNgramEnsembleLogits,
  type WordNgramEnsembleWeights,
  type WordpieceNgramEnsembleWeights,
} from './ngram-ensemble';
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
function randomEnsemble(seed: number, numLabels = LABELS.length): WordpieceNgramEnsembleWeights {
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
function referenceNgramLogits(ensemble: WordpieceNgramEnsembleWeights, ids: number[], mask: number[], numLabels: number): number[] {
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
    expect(model.ngramEnsemble).toEqual({ weight: WEIGHT, buckets: ENSEMBLE_BUCKETS, features: 'wordpieces' });
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
    expect(model.ngramEnsemble).toEqual({ weight: WEIGHT, buckets: ENSEMBLE_BUCKETS, features: 'wordpieces' });
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
    expect(config.mangaassist_head.ngram_ensemble).toEqual({ weight: WEIGHT, buckets: ENSEMBLE_BUCKETS, features: 'wordpieces' });
    const { tensors } = readSafetensors(join(dir, 'model.safetensors'));
    expect(tensors.get(NGRAM_ENSEMBLE_UNIGRAM_TENSOR)).toMatchObject({ dtype: 'F32', shape: [TINY_VOCAB.length, LABELS.length] });
    expect(tensors.get(NGRAM_ENSEMBLE_BIGRAM_TENSOR)!.shape).toEqual([ENSEMBLE_BUCKETS, LABELS.length]);
    expect(tensors.get(NGRAM_ENSEMBLE_BIAS_TENSOR)!.shape).toEqual([LABELS.length]);
    expect(tensors.get(NGRAM_ENSEMBLE_BIGRAM_TENSOR)!.data).toEqual(ensemble.bigram);

    const loaded = await loadClassifier(dir);
    expect(loaded.ngramEnsemble).toEqual({ weight: WEIGHT, buckets: ENSEMBLE_BUCKETS, features: 'wordpieces' });
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

// `words` ensembles. A small bucket count, so that hashed features collide, and one whose bigram hash
// (u · 509 + u') passes 2²⁴, beyond the integers float32 holds exactly: int32 arithmetic must get both right.
const SMALL_WORD_BUCKETS = 29;
const LARGE_WORD_BUCKETS = 131071;
// A repeated word and bigram ("never again" twice), a word of three pieces (un ##believ ##able), and [UNK]s.
const WORD_TEXTS = ['where is my order?', 'never again never again!', 'unbelievable: volume 14 is late again', 'love this manga series', 'manga manga'];

/** A random `words` ensemble over {@link TINY_VOCAB}: N(0, 0.5) table, idf in [1, 4) with a fifth of the features dropped (idf 0). */
function randomWordEnsemble(seed: number, buckets: number, numLabels = LABELS.length): WordNgramEnsembleWeights {
  const rng = new SeededRandom(seed);
  return {
    features: 'words',
    weight: WEIGHT,
    buckets,
    table: rng.normalArray(2 * buckets * numLabels, 0.5),
    idf: Float32Array.from({ length: 2 * buckets }, () => (rng.next() < 0.2 ? 0 : 1 + 3 * rng.next())),
    codes: wordPieceCodes(TINY_VOCAB.length, buckets, seed),
    continuation: continuationFlags(TINY_VOCAB),
    bias: rng.normalArray(numLabels, 0.3),
  };
}

/** `wordNgramLogits` of `@mangaassist/common` for every row, flattened `[batch · labels]`. */
function referenceWordLogits(ensemble: WordNgramEnsembleWeights, rows: readonly number[][], masks: readonly number[][]): number[] {
  const tables = { continuation: ensemble.continuation, codes: ensemble.codes, buckets: ensemble.buckets };
  return rows.flatMap((ids, b) => Array.from(wordNgramLogits(ids, masks[b]!, tables, ensemble.idf, ensemble.table, ensemble.bias)));
}

describe('wordNgramEnsembleLogits (TensorFlow.js) vs wordNgramLogits (plain JavaScript)', () => {
  let root: string;
  let tokenizer: WordPieceTokenizer;
  beforeAll(async () => {
    await useCpuBackend();
    root = mkdtempSync(join(tmpdir(), 'word-ngram-ensemble-'));
    writeTinyModel(root);
    tokenizer = WordPieceTokenizer.fromDirectory(root);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /**
   * The tokenized texts (right-padded, the padding holding [PAD]), then a row of padding only whose ids would count,
   * then the third text with masked positions of other ids inside its words and between them, then a left-padded row
   * that starts with continuation pieces.
   */
  function wordBatch(): { rows: number[][]; masks: number[][] } {
    const encoded = tokenizer.encodeBatch(WORD_TEXTS);
    const length = encoded.length + 3;
    const pad = (row: number[], value: number) => [...row, ...new Array<number>(length - row.length).fill(value)];
    const rows = encoded.inputIds.map((ids) => pad(ids, 0));
    const masks = encoded.attentionMask.map((mask) => pad(mask, 0));
    rows.push(new Array<number>(length).fill(TINY_VOCAB.indexOf('manga')));
    masks.push(new Array<number>(length).fill(0));
    // Masked ids after the first real position, inside un##believ##able and before [SEP]: a continuation piece behind
    // a masked one still continues its word, as the reference skips masked positions.
    const source = encoded.inputIds[2]!.slice(0, encoded.attentionMask[2]!.reduce((a, b) => a + b, 0));
    const gapped: number[] = [];
    const gappedMask: number[] = [];
    source.forEach((id, t) => {
      gapped.push(id);
      gappedMask.push(1);
      if (t === 0 || t === 1 || t === source.length - 2) {
        gapped.push(TINY_VOCAB.indexOf(t === 1 ? '##able' : 'love'));
        gappedMask.push(0);
      }
    });
    rows.push(pad(gapped, 0));
    masks.push(pad(gappedMask, 0));
    // Left padding, then a continuation piece first: the first real position starts a word whatever it is.
    const leading = ['[PAD]', '##able', '##believ', 'manga', '##able', 'manga'].map((token) => TINY_VOCAB.indexOf(token));
    rows.push(pad(leading, 0));
    masks.push(pad([0, 1, 1, 1, 1, 1], 0));
    return { rows, masks };
  }

  it.each([SMALL_WORD_BUCKETS, LARGE_WORD_BUCKETS])('agrees on a padded batch of texts (%i buckets), duplicates and a row of padding only included', (buckets) => {
    const ensemble = randomWordEnsemble(11, buckets);
    const { rows, masks } = wordBatch();
    const tables = { continuation: ensemble.continuation, codes: ensemble.codes, buckets };
    // The batch does exercise what it is meant to: a repeated feature, a word of several pieces, masked gaps.
    const repeated = wordNgramFeatures(rows[1]!, masks[1]!, tables);
    expect(new Set(repeated).size).toBeLessThan(repeated.length);
    expect(rows[2]!.some((id) => TINY_VOCAB[id] === '##believ')).toBe(true);
    expect(masks.some((mask) => mask.indexOf(0) >= 0 && mask.lastIndexOf(1) > mask.indexOf(0))).toBe(true);

    const tensors = ngramEnsembleTensors(ensemble, TINY_VOCAB.length, LABELS.length);
    expect(tensors.codes.dtype).toBe('int32');
    const before = tf.memory().numTensors;
    const actual = tf.tidy(() =>
      Array.from(wordNgramEnsembleLogits(tf.tensor2d(rows, undefined, 'int32'), tf.tensor2d(masks, undefined, 'int32'), tensors).dataSync()),
    );
    expect(tf.memory().numTensors).toBe(before);
    const expected = referenceWordLogits(ensemble, rows, masks);
    expect(maxAbsDiff(actual, expected)).toBeLessThan(1e-4);
    // The ensemble moves the logits: rows differ from the bias, except the row of padding only, which is the bias.
    const numLabels = LABELS.length;
    const paddingRow = WORD_TEXTS.length;
    expect(maxAbsDiff(actual.slice(paddingRow * numLabels, (paddingRow + 1) * numLabels), Array.from(ensemble.bias))).toBeLessThan(1e-6);
    expect(maxAbsDiff(actual.slice(0, numLabels), Array.from(ensemble.bias))).toBeGreaterThan(0.1);
    // The gapped row is the third text's row: padding inside a text changes nothing.
    expect(maxAbsDiff(actual.slice((paddingRow + 1) * numLabels, (paddingRow + 2) * numLabels), actual.slice(2 * numLabels, 3 * numLabels))).toBeLessThan(1e-6);
    tf.dispose([...namedNgramEnsembleTensors(tensors).values()]);
  });

  it('mixNgramEnsemble of a words ensemble agrees with ngramEnsembleLogit over wordNgramLogits', () => {
    const ensemble = randomWordEnsemble(12, SMALL_WORD_BUCKETS);
    const { rows, masks } = wordBatch();
    const rng = new SeededRandom(13);
    const network = rows.map(() => Array.from(rng.normalArray(LABELS.length, 2)));
    const tensors = ngramEnsembleTensors(ensemble, TINY_VOCAB.length, LABELS.length);
    const actual = tf.tidy(() =>
      Array.from(mixNgramEnsemble(tf.tensor2d(network), tf.tensor2d(rows, undefined, 'int32'), tf.tensor2d(masks, undefined, 'int32'), tensors).dataSync()),
    );
    const ngram = referenceWordLogits(ensemble, rows, masks);
    const expected = network.flatMap((logits, b) => logits.map((logit, l) => ngramEnsembleLogit(logit, ngram[b * LABELS.length + l]!, WEIGHT)));
    expect(maxAbsDiff(actual, expected)).toBeLessThan(1e-4);
    tf.dispose([...namedNgramEnsembleTensors(tensors).values()]);
  });

  it('refuses tables of another size or type, codes outside the buckets and flags other than 0 and 1, naming the tensor', () => {
    const ensemble = randomWordEnsemble(14, SMALL_WORD_BUCKETS);
    const make = (weights: WordNgramEnsembleWeights) => () => ngramEnsembleTensors(weights, TINY_VOCAB.length, LABELS.length);
    expect(make({ ...ensemble, buckets: SMALL_WORD_BUCKETS + 1 })).toThrow(
      `n-gram ensemble tensor "${NGRAM_ENSEMBLE_WORD_TENSOR}" must have ${2 * (SMALL_WORD_BUCKETS + 1) * LABELS.length} values`,
    );
    expect(make({ ...ensemble, idf: ensemble.idf.slice(1) })).toThrow(`n-gram ensemble tensor "${NGRAM_ENSEMBLE_WORD_IDF_TENSOR}"`);
    expect(make({ ...ensemble, codes: ensemble.codes.slice(1) })).toThrow(
      `n-gram ensemble tensor "${NGRAM_ENSEMBLE_PIECE_CODES_TENSOR}" must have ${TINY_VOCAB.length} values`,
    );
    expect(make({ ...ensemble, codes: Float32Array.from(ensemble.codes) as unknown as Int32Array })).toThrow(
      `n-gram ensemble tensor "${NGRAM_ENSEMBLE_PIECE_CODES_TENSOR}" must be int32`,
    );
    const outside = Int32Array.from(ensemble.codes);
    outside[5] = SMALL_WORD_BUCKETS;
    expect(make({ ...ensemble, codes: outside })).toThrow(
      `"${NGRAM_ENSEMBLE_PIECE_CODES_TENSOR}" must hold codes in [0, ${SMALL_WORD_BUCKETS}); id 5 has ${SMALL_WORD_BUCKETS}`,
    );
    const flags = Int32Array.from(ensemble.continuation);
    flags[3] = 2;
    expect(make({ ...ensemble, continuation: flags })).toThrow(`"${NGRAM_ENSEMBLE_CONTINUATION_TENSOR}" must hold 0 or 1; id 3 has 2`);
  });
});

describe('MultiLabelClassifier with a words n-gram ensemble', () => {
  const WORD_BUCKETS = 31;
  let root: string;
  let encoderDir: string;
  beforeAll(useCpuBackend);
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'word-ngram-classifier-'));
    encoderDir = join(root, 'encoder');
    writeTinyModel(encoderDir, { prefix: 'distilbert.', config: { n_layers: 2, dropout: 0, attention_dropout: 0 } });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  async function randomClassifier(seed: number): Promise<MultiLabelClassifier> {
    const model = await createClassifier(encoderDir, { labels: LABELS, seed, head: { hiddenDim: 16, dropout: 0, innerDropout: 0 } });
    const rng = new SeededRandom(seed + 100);
    for (const v of model.headVariables.values()) v.assign(tf.tensor(rng.normalArray(v.size, 0.5), v.shape));
    return model;
  }

  /** Saves `model` and returns the directory, its weights file and a rewriter of one of its tensors. */
  async function saved(model: MultiLabelClassifier) {
    const dir = join(root, 'saved');
    await model.save(dir);
    const weightsFile = join(dir, 'model.safetensors');
    const original = readFileSync(weightsFile);
    const rewrite = (name: string, tensor: SafetensorsInput) => {
      writeFileSync(weightsFile, original);
      const { tensors } = readSafetensors(weightsFile);
      const inputs = new Map<string, SafetensorsInput>([...tensors].map(([n, t]) => [n, { shape: t.shape, data: t.data as Float32Array | Int32Array }]));
      inputs.set(name, tensor);
      writeSafetensors(weightsFile, inputs, { format: 'pt' });
    };
    return { dir, weightsFile, rewrite };
  }

  it('mixes the words logits in evaluation mode, matching the plain-JavaScript reference, and disposes every tensor', async () => {
    const model = await randomClassifier(21);
    const encoded = model.tokenizer.encodeBatch(WORD_TEXTS, { maxLength: 16 });
    const ids = tf.tensor2d(encoded.inputIds, undefined, 'int32');
    const mask = tf.tensor2d(encoded.attentionMask, undefined, 'int32');
    const logits = () => tf.tidy(() => Array.from(model.apply(ids, mask).dataSync()));
    const network = logits();
    const before = tf.memory().numTensors;
    const ensemble = randomWordEnsemble(22, WORD_BUCKETS);
    model.setNgramEnsemble(ensemble);
    expect(model.ngramEnsemble).toEqual({ weight: WEIGHT, buckets: WORD_BUCKETS, features: 'words' });
    const byName = model.ngramEnsembleTensorsByName();
    expect([...byName.keys()]).toEqual([
      NGRAM_ENSEMBLE_WORD_TENSOR,
      NGRAM_ENSEMBLE_WORD_IDF_TENSOR,
      NGRAM_ENSEMBLE_PIECE_CODES_TENSOR,
      NGRAM_ENSEMBLE_CONTINUATION_TENSOR,
      NGRAM_ENSEMBLE_BIAS_TENSOR,
    ]);
    expect([...byName.values()].map((t) => t.dtype)).toEqual(['float32', 'float32', 'int32', 'int32', 'float32']);
    const ngram = referenceWordLogits(ensemble, encoded.inputIds, encoded.attentionMask);
    const expected = network.map((logit, i) => ngramEnsembleLogit(logit, ngram[i]!, WEIGHT));
    const mixed = logits();
    expect(maxAbsDiff(mixed, expected)).toBeLessThan(1e-4);
    expect(maxAbsDiff(mixed, network)).toBeGreaterThan(0.1);
    expect(tf.tidy(() => Array.from(model.apply(ids, mask, { training: true }).dataSync()))).toEqual(network);
    // Replacing a words ensemble by a wordpieces one and removing it leaks nothing.
    model.setNgramEnsemble(randomEnsemble(23));
    expect(model.ngramEnsemble).toEqual({ weight: WEIGHT, buckets: ENSEMBLE_BUCKETS, features: 'wordpieces' });
    model.setNgramEnsemble(undefined);
    expect(logits()).toEqual(network);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([ids, mask]);
    model.dispose();
  });

  it('saves features: words and the five tensors (codes and flags as I32), and loads back the same probabilities and tensors', async () => {
    const model = await randomClassifier(24);
    const ensemble = randomWordEnsemble(25, WORD_BUCKETS);
    model.setNgramEnsemble(ensemble);
    const probabilities = await model.predictProbabilities(WORD_TEXTS);
    const { dir, weightsFile } = await saved(model);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config.mangaassist_head.ngram_ensemble).toEqual({ weight: WEIGHT, buckets: WORD_BUCKETS, features: 'words' });
    const { tensors } = readSafetensors(weightsFile);
    expect(tensors.get(NGRAM_ENSEMBLE_WORD_TENSOR)).toMatchObject({ dtype: 'F32', shape: [2 * WORD_BUCKETS, LABELS.length], data: ensemble.table });
    expect(tensors.get(NGRAM_ENSEMBLE_WORD_IDF_TENSOR)).toMatchObject({ dtype: 'F32', shape: [2 * WORD_BUCKETS], data: ensemble.idf });
    expect(tensors.get(NGRAM_ENSEMBLE_PIECE_CODES_TENSOR)).toMatchObject({ dtype: 'I32', shape: [TINY_VOCAB.length], data: ensemble.codes });
    expect(tensors.get(NGRAM_ENSEMBLE_CONTINUATION_TENSOR)).toMatchObject({ dtype: 'I32', shape: [TINY_VOCAB.length], data: ensemble.continuation });
    expect(tensors.get(NGRAM_ENSEMBLE_BIAS_TENSOR)).toMatchObject({ dtype: 'F32', shape: [LABELS.length], data: ensemble.bias });
    expect([...tensors.keys()].some((n) => n.startsWith('ngram_ensemble.unigram') || n.startsWith('ngram_ensemble.bigram'))).toBe(false);

    const loaded = await loadClassifier(dir);
    expect(loaded.ngramEnsemble).toEqual({ weight: WEIGHT, buckets: WORD_BUCKETS, features: 'words' });
    expect(loaded.report?.ignored.filter((n) => n.startsWith('ngram_ensemble'))).toEqual([]);
    expect(await loaded.predictProbabilities(WORD_TEXTS)).toEqual(probabilities);
    const original = model.ngramEnsembleTensorsByName();
    for (const [name, tensor] of loaded.ngramEnsembleTensorsByName()) {
      expect({ name, dtype: tensor.dtype, shape: tensor.shape }).toEqual({ name, dtype: original.get(name)!.dtype, shape: original.get(name)!.shape });
      expect(tensor.dataSync()).toEqual(original.get(name)!.dataSync());
    }
    loaded.dispose();
    model.dispose();
  });

  it('refuses a words ensemble whose codes are float or of another shape, or whose flags or idf have the wrong shape or dtype, or whose codes leave the buckets, naming the tensor', async () => {
    const model = await randomClassifier(26);
    const ensemble = randomWordEnsemble(27, WORD_BUCKETS);
    model.setNgramEnsemble(ensemble);
    const { dir, rewrite } = await saved(model);
    model.dispose();
    const refusal = async () =>
      loadClassifier(dir).then(
        (loaded) => {
          loaded.dispose();
          return new Error('expected a rejection');
        },
        (e: Error) => e,
      );
    const vocab = TINY_VOCAB.length;
    const idfSize = 2 * WORD_BUCKETS;
    const cases: [string, SafetensorsInput, string][] = [
      [NGRAM_ENSEMBLE_PIECE_CODES_TENSOR, { shape: [vocab], data: Float32Array.from(ensemble.codes) }, `F32 [${vocab}]; it must be int32 (I32) [${vocab}]`],
      [NGRAM_ENSEMBLE_PIECE_CODES_TENSOR, { shape: [vocab - 1], data: ensemble.codes.slice(1) }, `I32 [${vocab - 1}]; it must be int32 (I32) [${vocab}]`],
      [NGRAM_ENSEMBLE_CONTINUATION_TENSOR, { shape: [1, vocab], data: ensemble.continuation }, `I32 [1, ${vocab}]; it must be int32 (I32) [${vocab}]`],
      [NGRAM_ENSEMBLE_WORD_IDF_TENSOR, { shape: [idfSize], data: new Int32Array(idfSize) }, `I32 [${idfSize}]; it must be float [${idfSize}]`],
    ];
    for (const [name, tensor, found] of cases) {
      rewrite(name, tensor);
      const error = await refusal();
      expect(isMangaAssistError(error, 'CHECKPOINT_INVALID')).toBe(true);
      expect(error.message).toContain(`tensor "${name}" of the n-gram ensemble (mangaassist_head.ngram_ensemble) is ${found}`);
    }
    // Right shape and dtype, but a code outside the buckets: still the checkpoint's fault, naming the tensor.
    const outside = Int32Array.from(ensemble.codes);
    outside[7] = -1;
    rewrite(NGRAM_ENSEMBLE_PIECE_CODES_TENSOR, { shape: [vocab], data: outside });
    const error = await refusal();
    expect(isMangaAssistError(error, 'CHECKPOINT_INVALID')).toBe(true);
    expect(error.message).toContain(`tensor "${NGRAM_ENSEMBLE_PIECE_CODES_TENSOR}" must hold codes in [0, ${WORD_BUCKETS}); id 7 has -1 (mangaassist_head.ngram_ensemble)`);
  });

  it('loads an ngram_ensemble entry saved without features as a wordpieces ensemble', async () => {
    const model = await randomClassifier(28);
    model.setNgramEnsemble(randomEnsemble(29));
    const probabilities = await model.predictProbabilities(TEXTS);
    const { dir } = await saved(model);
    model.dispose();
    const configFile = join(dir, 'config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    delete config.mangaassist_head.ngram_ensemble.features;
    writeFileSync(configFile, JSON.stringify(config));
    const loaded = await loadClassifier(dir);
    expect(loaded.ngramEnsemble).toEqual({ weight: WEIGHT, buckets: ENSEMBLE_BUCKETS, features: 'wordpieces' });
    expect(await loaded.predictProbabilities(TEXTS)).toEqual(probabilities);
    loaded.dispose();
  });
});
