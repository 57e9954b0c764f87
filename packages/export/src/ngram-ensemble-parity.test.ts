import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { createClassifier, SeededRandom, type MultiLabelClassifier } from '@mangaassist/core-model';
import { selectTfjsBackend } from '@mangaassist/runtime-tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { TINY_HEAD, TINY_LABELS, TINY_VOCAB, writeTinyClassifierDir } from './__tests__/tiny-model-dir';
import { distilBertDims } from './distilbert-dims';
import { exportClassifier, type ExportResult } from './export-model';
import { buildClassifierModel } from './graph/build-model';
import { encodeModel } from './onnx-graph-builder';
import { WeightSource } from './weight-source';
import { maxAbsDiff } from './__tests__/max-abs-diff';

/** The documented float32 tolerance on logits, TensorFlow.js vs ONNX Runtime (as the other parity tests). */
const FP32_LOGIT_TOLERANCE = 1e-4;
/** The dim-32 random test model's int8 bound on probabilities (as the other int8 parity tests). */
const INT8_PROBABILITY_TOLERANCE = 0.06;
// A prime bucket count of a few thousand: a small file, yet texts share few buckets.
const BUCKETS = 4099;
const WEIGHT = 0.3;
// The clamp's logit, ln((1 − ε)/ε) ≈ 13.863.
const CLAMPED_LOGIT = Math.log((1 - NGRAM_ENSEMBLE_PROBABILITY_EPSILON) / NGRAM_ENSEMBLE_PROBABILITY_EPSILON);

const TEXTS = [
  'where is my order',
  'i want to cancel this , never again ! the worst service , done with you',
  'thanks',
  'why not arrived ? help please refund now today',
  'ok fine good',
];
// The one text with this word saturates: its first label's mixed probability clamps to 1 − ε, its second to ε.
const SATURATING_WORD = 'refund';
const SATURATING_ROW = TEXTS.findIndex((t) => t.split(' ').includes(SATURATING_WORD));

const int64 = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0]!.length]);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

async function ortLogits(graph: string | Uint8Array, ids: number[][], mask: number[][]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(graph as Uint8Array, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  try {
    return (await session.run({ input_ids: int64(ids), attention_mask: int64(mask) })).logits!.data as Float32Array;
  } finally {
    await session.release();
  }
}

// A random dim-32 classifier (with and without the wide part) given an n-gram ensemble with random tables, saved by
// core-model and exported. The network's first label is pushed to +40 and its second to −40 in every row, and the
// ensemble's unigram row of SATURATING_WORD to ±200 in those labels, so exactly one text clamps both ways while the
// other texts' probabilities stay away from 0 and 1 (where float32 logits lose their precision).
describe.each([
  { name: 'deep head only', wide: false },
  { name: 'deep head and wide part', wide: true },
])('n-gram ensemble ($name): TensorFlow.js and the reference vs exported ONNX, padded batch', ({ wide }) => {
  const work = mkdtempSync(join(tmpdir(), 'export-ngram-parity-'));
  const numLabels = TINY_LABELS.length;
  let model: MultiLabelClassifier;
  let batch: { inputIds: number[][]; attentionMask: number[][] };
  let networkLogits: Float32Array;
  let tfjsLogits: Float32Array;
  let result: ExportResult;

  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'cpu' });
    const source = writeTinyClassifierDir(join(work, 'random'));
    model = await createClassifier(source, {
      labels: TINY_LABELS,
      seed: 3,
      maxLength: 32,
      head: { hiddenDim: 16, ...(wide ? { wide: { enabled: true, buckets: BUCKETS } } : {}) },
    });
    // The random directory's head (std 0.3) instead of the fresh N(0, 0.02) one, so the texts' logits differ.
    const { tensors } = readSafetensors(join(source, 'model.safetensors'));
    const names = { pre_classifier: TINY_HEAD.hidden, classifier: TINY_HEAD.output };
    for (const [ours, theirs] of Object.entries(names)) {
      for (const part of ['weight', 'bias']) {
        const variable = model.headVariables.get(`${ours}.${part}`)!;
        const values = Float32Array.from(tensors.get(`${theirs}.${part}`)!.data as Float32Array);
        if (ours === 'classifier' && part === 'bias') {
          values[0]! += 40;
          values[1]! -= 40;
        }
        variable.assign(tf.tensor(values, variable.shape));
      }
    }
    const rng = new SeededRandom(17);
    if (wide) {
      for (const name of ['wide.unigram.weight', 'wide.bigram.weight']) {
        const variable = model.headVariables.get(name)!;
        variable.assign(tf.tensor(rng.normalArray(variable.size, 0.5), variable.shape));
      }
    }
    batch = model.tokenizer.encodeBatch(TEXTS, { maxLength: 32 });
    const ids = tf.tensor2d(batch.inputIds, undefined, 'int32');
    const mask = tf.tensor2d(batch.attentionMask, undefined, 'int32');
    // The network's own logits (deep head plus wide part), before the ensemble is set.
    const network = model.apply(ids, mask);
    networkLogits = (await network.data()) as Float32Array;

    const vocabSize = TINY_VOCAB.length;
    const unigram = rng.normalArray(vocabSize * numLabels, 0.5);
    const saturating = TINY_VOCAB.indexOf(SATURATING_WORD);
    unigram[saturating * numLabels] = 200;
    unigram[saturating * numLabels + 1] = -200;
    model.setNgramEnsemble({ weight: WEIGHT, buckets: BUCKETS, unigram, bigram: rng.normalArray(BUCKETS * numLabels, 0.5), bias: rng.normalArray(numLabels, 0.3) });
    await model.save(join(work, 'model'));
    result = exportClassifier({ modelDir: join(work, 'model'), outDir: join(work, 'onnx'), quantize: 'int8' });
    const mixed = model.apply(ids, mask);
    tfjsLogits = (await mixed.data()) as Float32Array;
    tf.dispose([ids, mask, network, mixed]);
  }, 60_000);

  afterAll(() => {
    model?.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  it('records the ensemble in the result and export.json, keeps it in the exported config.json, and mixes it into logits', () => {
    const lengths = batch.attentionMask.map((row) => row.reduce((a, b) => a + b, 0));
    expect(lengths.filter((l) => l < batch.inputIds[0]!.length).length).toBe(TEXTS.length - 1);
    expect(result.ngramEnsemble).toEqual({ weight: WEIGHT, buckets: BUCKETS, features: 'wordpieces' });
    expect(result.wide).toEqual(wide ? { buckets: BUCKETS, bigrams: true } : undefined);
    // Copied as core-model saved it (with or without `features: 'wordpieces'`, which is what its absence means).
    const saved = JSON.parse(readFileSync(join(work, 'model', 'config.json'), 'utf8')).mangaassist_head.ngram_ensemble;
    expect(saved).toMatchObject({ weight: WEIGHT, buckets: BUCKETS });
    expect(saved.features ?? 'wordpieces').toBe('wordpieces');
    expect(JSON.parse(readFileSync(join(work, 'onnx', 'config.json'), 'utf8')).mangaassist_head.ngram_ensemble).toEqual(saved);
    expect(JSON.parse(readFileSync(join(work, 'onnx', 'export.json'), 'utf8')).ngramEnsemble).toEqual({
      weight: WEIGHT,
      buckets: BUCKETS,
      tensors: ['ngram_ensemble.unigram.weight', 'ngram_ensemble.bigram.weight', 'ngram_ensemble.bias'],
      bigramHash: '(first_id * 16249 + second_id) mod buckets',
      scale: '1 / sqrt(number of positions with attention_mask 1)',
      mixing: 'logit(clip((1 - weight) * sigmoid(deep + wide logits) + weight * sigmoid(n-gram sum + bias), epsilon, 1 - epsilon))',
      epsilon: NGRAM_ENSEMBLE_PROBABILITY_EPSILON,
      precision: 'float32',
    });
    // Neither the tables nor the bias are mistaken for a head Linear.
    expect(result.head).toEqual({ hidden: 'pre_classifier', output: 'classifier' });
    // The ensemble moves the logits, and the saturating text clamps both ways.
    expect(maxAbsDiff(tfjsLogits, networkLogits)).toBeGreaterThan(0.5);
    expect(tfjsLogits[SATURATING_ROW * numLabels]).toBeCloseTo(CLAMPED_LOGIT, 4);
    expect(tfjsLogits[SATURATING_ROW * numLabels + 1]).toBeCloseTo(-CLAMPED_LOGIT, 4);
    for (let i = 0; i < TEXTS.length; i++) {
      if (i !== SATURATING_ROW) expect(Math.abs(tfjsLogits[i * numLabels]!)).toBeLessThan(CLAMPED_LOGIT - 1);
    }
  });

  it('names its initializers ngram_* beside the wide_* ones, float32 in both graphs', () => {
    for (const file of ['model.onnx', 'model_quantized.onnx']) {
      const graph = onnx.ModelProto.decode(readFileSync(join(work, 'onnx', 'onnx', file))).graph!;
      const initializers = new Map(graph.initializer!.map((t) => [t.name!, t]));
      for (const name of ['ngram_unigram', 'ngram_bigram', 'ngram_bias']) expect(initializers.get(name)?.dataType).toBe(onnx.TensorProto.DataType.FLOAT);
      expect(initializers.get('ngram_unigram')!.dims!.map(Number)).toEqual([TINY_VOCAB.length, numLabels]);
      expect(initializers.get('ngram_bigram')!.dims!.map(Number)).toEqual([BUCKETS, numLabels]);
      for (const name of ['wide_unigram', 'wide_bigram']) {
        expect(initializers.get(name)?.dataType).toBe(wide ? onnx.TensorProto.DataType.FLOAT : undefined);
      }
      // No name had to be made unique with a counter: the two bags' constants do not collide.
      expect([...initializers.keys()].filter((n) => /^(wide|ngram)_.*_\d+$/.test(n))).toEqual([]);
    }
  });

  it(`float32 ONNX logits (contrib and standard graphs) equal TensorFlow.js's mixed logits within ${FP32_LOGIT_TOLERANCE}`, async () => {
    const file = join(work, 'model', 'model.safetensors');
    const weights = new WeightSource(readSafetensors(file).tensors, file);
    const dims = distilBertDims(JSON.parse(readFileSync(join(work, 'model', 'config.json'), 'utf8')), 'config.json');
    const head = { hidden: 'pre_classifier', output: 'classifier' };
    const options = { fusion: 'standard', ngramEnsemble: { weight: WEIGHT, buckets: BUCKETS }, ...(wide ? { wide: { buckets: BUCKETS, bigrams: true } } : {}) } as const;
    const graphs = {
      exported: join(work, 'onnx', 'onnx', 'model.onnx'),
      standard: encodeModel(buildClassifierModel(weights, dims, head, options)),
    };
    for (const [name, graph] of Object.entries(graphs)) {
      const logits = await ortLogits(graph, batch.inputIds, batch.attentionMask);
      const diff = maxAbsDiff(logits, tfjsLogits);
      console.log(`tiny classifier with the n-gram ensemble (wide ${wide}), tfjs vs ORT fp32 (${name}), ${TEXTS.length} padded texts: max |Δ logit| = ${diff.toExponential(2)}`);
      expect(diff).toBeLessThan(FP32_LOGIT_TOLERANCE);
    }
  });

  it('each text alone through ONNX (no padding) matches its padded row', async () => {
    const file = join(work, 'onnx', 'onnx', 'model.onnx');
    let max = 0;
    for (let i = 0; i < TEXTS.length; i++) {
      const length = batch.attentionMask[i]!.reduce((a, b) => a + b, 0);
      const alone = await ortLogits(file, [batch.inputIds[i]!.slice(0, length)], [batch.attentionMask[i]!.slice(0, length)]);
      max = Math.max(max, maxAbsDiff(alone, tfjsLogits.subarray(i * numLabels, (i + 1) * numLabels)));
    }
    expect(max).toBeLessThan(FP32_LOGIT_TOLERANCE);
  });

  it('ONNX logits equal ngramEnsembleLogit of the network logits and the n-gram logits computed from the saved tensors', async () => {
    const { tensors } = readSafetensors(join(work, 'model', 'model.safetensors'));
    const table = (name: string) => tensors.get(name)!.data as Float32Array;
    const [unigram, bigram, bias] = [table(NGRAM_ENSEMBLE_UNIGRAM_TENSOR), table(NGRAM_ENSEMBLE_BIGRAM_TENSOR), table(NGRAM_ENSEMBLE_BIAS_TENSOR)];
    const vocabSize = TINY_VOCAB.length;
    const onnxLogits = await ortLogits(join(work, 'onnx', 'onnx', 'model.onnx'), batch.inputIds, batch.attentionMask);
    const rows = [0, SATURATING_ROW, TEXTS.length - 1];
    let max = 0;
    for (const i of rows) {
      const features = ngramFeatureRow(batch.inputIds[i]!, batch.attentionMask[i]!, vocabSize, BUCKETS);
      for (let l = 0; l < numLabels; l++) {
        let z = bias[l]!;
        features.indices.forEach((feature, k) => {
          const row = feature < vocabSize ? unigram.subarray(feature * numLabels) : bigram.subarray((feature - vocabSize) * numLabels);
          z += features.values[k]! * row[l]!;
        });
        const expected = ngramEnsembleLogit(networkLogits[i * numLabels + l]!, z, WEIGHT);
        max = Math.max(max, Math.abs(onnxLogits[i * numLabels + l]! - expected));
      }
    }
    expect(max).toBeLessThan(FP32_LOGIT_TOLERANCE);
    expect(onnxLogits[SATURATING_ROW * numLabels]).toBeCloseTo(CLAMPED_LOGIT, 4);
    expect(onnxLogits[SATURATING_ROW * numLabels + 1]).toBeCloseTo(-CLAMPED_LOGIT, 4);
  });

  it(`the int8 graph mixes the same float32 ensemble (within the tiny model's int8 bound of ${INT8_PROBABILITY_TOLERANCE} on probabilities)`, async () => {
    const int8 = Array.from(await ortLogits(join(work, 'onnx', 'onnx', 'model_quantized.onnx'), batch.inputIds, batch.attentionMask), sigmoid);
    const diff = maxAbsDiff(int8, Array.from(tfjsLogits, sigmoid));
    console.log(`tiny classifier with the n-gram ensemble (wide ${wide}), int8 ORT vs tfjs: max |Δ probability| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(INT8_PROBABILITY_TOLERANCE);
  });

  it('refuses a malformed mangaassist_head.ngram_ensemble, or a missing or mis-shaped tensor, naming the file and the tensor', () => {
    const configFile = join(work, 'model', 'config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    const attempt = (label: string) => {
      try {
        exportClassifier({ modelDir: join(work, 'model'), outDir: join(work, label) });
      } catch (error) {
        expect(isMangaAssistError(error, 'CHECKPOINT_INVALID')).toBe(true);
        return (error as Error).message;
      }
      throw new Error('expected CHECKPOINT_INVALID');
    };
    const withEnsemble = (ngramEnsemble: unknown) => JSON.stringify({ ...config, mangaassist_head: { ...config.mangaassist_head, ngram_ensemble: ngramEnsemble } });
    try {
      writeFileSync(configFile, withEnsemble({ weight: 1.5, buckets: BUCKETS }));
      expect(attempt('bad-weight')).toMatch(
        new RegExp(`^${configFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: "mangaassist_head.ngram_ensemble" must be \\{weight, buckets\\}: mangaassist_head\\.ngram_ensemble\\.weight: `),
      );
      writeFileSync(configFile, withEnsemble({ weight: WEIGHT, buckets: BUCKETS + 1 }));
      expect(attempt('wrong-buckets')).toContain(`tensor "ngram_ensemble.bigram.weight" has shape [${BUCKETS},${numLabels}], expected [${BUCKETS + 1},${numLabels}]`);
    } finally {
      writeFileSync(configFile, JSON.stringify(config));
    }
    const weightsFile = join(work, 'model', 'model.safetensors');
    const original = readFileSync(weightsFile);
    try {
      for (const missing of [NGRAM_ENSEMBLE_UNIGRAM_TENSOR, NGRAM_ENSEMBLE_BIGRAM_TENSOR, NGRAM_ENSEMBLE_BIAS_TENSOR]) {
        writeFileSync(weightsFile, original);
        const { tensors } = readSafetensors(weightsFile);
        tensors.delete(missing);
        writeSafetensors(weightsFile, new Map([...tensors].map(([n, t]) => [n, { shape: t.shape, data: t.data as Float32Array }])), { format: 'pt' });
        expect(attempt(`missing-${missing}`)).toBe(`${weightsFile}: missing tensor "${missing}"`);
      }
    } finally {
      writeFileSync(weightsFile, original);
    }
  });
});
