import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedAsset } from '@mangaassist/common';
import { HEAD_CONFIG_KEY, readSafetensors } from '@mangaassist/model-format';
import {
  createClassifier,
  HEAD_CONFIG_KEY as CORE_HEAD_CONFIG_KEY,
  type ClassifierPooling,
  type MultiLabelClassifier,
} from '@mangaassist/core-model';
import { selectTfjsBackend } from '@mangaassist/runtime-tfjs';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { TINY_HEAD, TINY_LABELS, writeTinyClassifierDir } from './__tests__/tiny-model-dir';
import { distilBertDims } from './distilbert-dims';
import { exportClassifier } from './export-model';
import { buildClassifierModel } from './graph/build-model';
import { encodeModel } from './onnx-graph-builder';
import { WeightSource } from './weight-source';
import { maxAbsDiff } from './__tests__/max-abs-diff';

const ENCODER = 'models/mini-distilbert-mlm';
const DEV = 'data/goemotions/dev.tsv';
const encoderDir = sharedAsset(`${ENCODER}/config.json`) && sharedAsset(ENCODER);
const devFile = sharedAsset(DEV);
const available = encoderDir && devFile;
if (!available) console.warn(`tfjs-vs-ONNX parity skipped: ${encoderDir ? DEV : ENCODER} is not available`);

const LABELS = ['frustration', 'satisfaction', 'urgency', 'confusion', 'churn_risk', 'neutral'];
// TensorFlow.js runs on its pure-JS cpu backend here (what CI has, ~0.15 GFLOP/s): six texts of at most 24 tokens
// keep the test within seconds. The int8 comparison needs only ONNX Runtime and uses many more texts.
const TFJS_TEXTS = 6;
const INT8_TEXTS = 400;
const MAX_LENGTH = 24;
/** The documented int8 tolerance (packages/export/README.md): on probabilities, the quantity thresholds act on. */
const INT8_PROBABILITY_TOLERANCE = 0.01;
/** The documented float32 tolerance on logits, TensorFlow.js vs ONNX Runtime. */
const FP32_LOGIT_TOLERANCE = 1e-4;

// Runs wherever the package's tests run (no shared assets): a random dim-32 classifier trained nowhere, with mean
// pooling, saved by core-model and exported; the batch pads every text but one.
describe('mean pooling: TensorFlow.js vs exported ONNX on a tiny random classifier, padded batch', () => {
  const work = mkdtempSync(join(tmpdir(), 'export-mean-parity-'));
  const TEXTS = [
    'where is my order',
    'i want to cancel this , never again ! the worst service , done with you',
    'thanks',
    'why not arrived ? help please refund now today',
    'ok fine good',
  ];
  let model: MultiLabelClassifier;
  let batch: { inputIds: number[][]; attentionMask: number[][] };
  let tfjsLogits: Float32Array;

  const int64 = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0]!.length]);
  async function ortLogits(graph: string | Uint8Array, ids: number[][], mask: number[][]): Promise<Float32Array> {
    const session = await ort.InferenceSession.create(graph as Uint8Array, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
    try {
      return (await session.run({ input_ids: int64(ids), attention_mask: int64(mask) })).logits!.data as Float32Array;
    } finally {
      await session.release();
    }
  }

  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'cpu' });
    const source = writeTinyClassifierDir(join(work, 'random'));
    model = await createClassifier(source, { labels: TINY_LABELS, seed: 3, maxLength: 32, head: { hiddenDim: 16, pooling: 'mean' } });
    // The random directory's head (std 0.3) instead of the fresh N(0, 0.02) one: logits that differ between texts.
    const { tensors } = readSafetensors(join(source, 'model.safetensors'));
    const names = { pre_classifier: TINY_HEAD.hidden, classifier: TINY_HEAD.output };
    for (const [ours, theirs] of Object.entries(names)) {
      for (const part of ['weight', 'bias']) {
        const variable = model.headVariables.get(`${ours}.${part}`)!;
        variable.assign(tf.tensor(tensors.get(`${theirs}.${part}`)!.data as Float32Array, variable.shape));
      }
    }
    await model.save(join(work, 'model'));
    exportClassifier({ modelDir: join(work, 'model'), outDir: join(work, 'onnx'), quantize: 'int8' });
    batch = model.tokenizer.encodeBatch(TEXTS, { maxLength: 32 });
    const ids = tf.tensor2d(batch.inputIds, undefined, 'int32');
    const mask = tf.tensor2d(batch.attentionMask, undefined, 'int32');
    const logits = model.apply(ids, mask);
    tfjsLogits = (await logits.data()) as Float32Array;
    tf.dispose([ids, mask, logits]);
  }, 60_000);

  afterAll(() => {
    model?.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  it('saves pooling "mean" and the export states it', () => {
    const lengths = batch.attentionMask.map((row) => row.reduce((a, b) => a + b, 0));
    expect(lengths.filter((l) => l < batch.inputIds[0]!.length).length).toBe(TEXTS.length - 1);
    expect(JSON.parse(readFileSync(join(work, 'model', 'config.json'), 'utf8'))[CORE_HEAD_CONFIG_KEY].pooling).toBe('mean');
    expect(JSON.parse(readFileSync(join(work, 'onnx', 'config.json'), 'utf8'))[HEAD_CONFIG_KEY].pooling).toBe('mean');
    expect(JSON.parse(readFileSync(join(work, 'onnx', 'export.json'), 'utf8')).pooling).toBe('mean');
  });

  it(`float32 ONNX logits (contrib and standard graphs) equal TensorFlow.js logits within ${FP32_LOGIT_TOLERANCE}`, async () => {
    const file = join(work, 'model', 'model.safetensors');
    const weights = new WeightSource(readSafetensors(file).tensors, file);
    const dims = distilBertDims(JSON.parse(readFileSync(join(work, 'model', 'config.json'), 'utf8')), 'config.json');
    const head = { hidden: 'pre_classifier', output: 'classifier' };
    const graphs = {
      exported: join(work, 'onnx', 'onnx', 'model.onnx'),
      standard: encodeModel(buildClassifierModel(weights, dims, head, { fusion: 'standard', pooling: 'mean' })),
    };
    for (const [name, graph] of Object.entries(graphs)) {
      const logits = await ortLogits(graph, batch.inputIds, batch.attentionMask);
      const diff = maxAbsDiff(logits, tfjsLogits);
      console.log(`tiny mean-pooled classifier, tfjs vs ORT fp32 (${name}), ${TEXTS.length} padded texts: max |Δ logit| = ${diff.toExponential(2)}`);
      expect(diff).toBeLessThan(FP32_LOGIT_TOLERANCE);
    }
    expect(Math.max(...Array.from(tfjsLogits, Math.abs))).toBeGreaterThan(0.5);
  });

  it('each text alone through ONNX (no padding) matches its padded row in TensorFlow.js: padding is in neither mean', async () => {
    const file = join(work, 'onnx', 'onnx', 'model.onnx');
    let max = 0;
    for (let i = 0; i < TEXTS.length; i++) {
      const length = batch.attentionMask[i]!.reduce((a, b) => a + b, 0);
      const alone = await ortLogits(file, [batch.inputIds[i]!.slice(0, length)], [batch.attentionMask[i]!.slice(0, length)]);
      max = Math.max(max, maxAbsDiff(alone, tfjsLogits.subarray(i * TINY_LABELS.length, (i + 1) * TINY_LABELS.length)));
    }
    expect(max).toBeLessThan(FP32_LOGIT_TOLERANCE);
  });

  it('the int8 graph pools the same way (within the tiny model\'s int8 bound of 0.06 on probabilities)', async () => {
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    const int8 = Array.from(await ortLogits(join(work, 'onnx', 'onnx', 'model_quantized.onnx'), batch.inputIds, batch.attentionMask), sigmoid);
    const diff = maxAbsDiff(int8, Array.from(tfjsLogits, sigmoid));
    console.log(`tiny mean-pooled classifier, int8 ORT vs tfjs: max |Δ probability| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(0.06);
  });
});

(available ? describe : describe.skip).each<ClassifierPooling>(['cls', 'mean'])(`exported classifier with %s pooling vs TensorFlow.js (${ENCODER}, ${DEV})`, (pooling) => {
  const work = mkdtempSync(join(tmpdir(), 'export-parity-'));
  let model: MultiLabelClassifier;
  let texts: string[];
  let tfjsLogits: Float32Array;

  function feeds(count: number): Record<string, ort.Tensor> {
    const batch = model.tokenizer.encodeBatch(texts.slice(0, count), { maxLength: MAX_LENGTH });
    const dims = [count, batch.length];
    const int64 = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), dims);
    return { input_ids: int64(batch.inputIds), attention_mask: int64(batch.attentionMask) };
  }

  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'cpu' });
    model = await createClassifier(encoderDir!, { labels: LABELS, seed: 11, head: { pooling } });
    await model.save(join(work, 'model'));
    exportClassifier({ modelDir: join(work, 'model'), outDir: join(work, 'onnx'), quantize: 'int8' });
    texts = readFileSync(devFile!, 'utf8').split('\n').slice(1, INT8_TEXTS + 1).map((line) => line.split('\t')[0]!);
    const batch = model.tokenizer.encodeBatch(texts.slice(0, TFJS_TEXTS), { maxLength: MAX_LENGTH });
    const ids = tf.tensor2d(batch.inputIds, undefined, 'int32');
    const mask = tf.tensor2d(batch.attentionMask, undefined, 'int32');
    const logits = model.apply(ids, mask);
    tfjsLogits = (await logits.data()) as Float32Array;
    tf.dispose([ids, mask, logits]);
  }, 60_000);

  afterAll(() => {
    model?.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  async function onnxLogits(file: string, count: number): Promise<Float32Array> {
    const session = await ort.InferenceSession.create(join(work, 'onnx', 'onnx', file), { graphOptimizationLevel: 'all' });
    try {
      return (await session.run(feeds(count))).logits!.data as Float32Array;
    } finally {
      await session.release();
    }
  }

  it("exports core-model's saved classifier with its training token limit", () => {
    expect(HEAD_CONFIG_KEY).toBe(CORE_HEAD_CONFIG_KEY);
    const tokenizerConfig = JSON.parse(readFileSync(join(work, 'onnx', 'tokenizer_config.json'), 'utf8'));
    expect(tokenizerConfig.model_max_length).toBe(model.maxLength);
    const exported = JSON.parse(readFileSync(join(work, 'onnx', 'export.json'), 'utf8'));
    expect(exported.head).toEqual({ hidden: 'pre_classifier', output: 'classifier' });
    expect(exported.pooling).toBe(pooling);
  });

  it('float32 ONNX logits equal TensorFlow.js logits within 1e-4', async () => {
    const logits = await onnxLogits('model.onnx', TFJS_TEXTS);
    let max = 0;
    for (let i = 0; i < logits.length; i++) max = Math.max(max, Math.abs(logits[i]! - tfjsLogits[i]!));
    console.log(`${pooling} pooling, tfjs vs ORT fp32 on ${TFJS_TEXTS} GoEmotions dev texts: max |Δ logit| = ${max.toExponential(2)}`);
    expect(logits.length).toBe(TFJS_TEXTS * LABELS.length);
    expect(max).toBeLessThan(1e-4);
  });

  it(`int8 probabilities stay within ${INT8_PROBABILITY_TOLERANCE} of float32, with equal labels outside that band`, async () => {
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    const fp32 = Array.from(await onnxLogits('model.onnx', INT8_TEXTS), sigmoid);
    const int8 = Array.from(await onnxLogits('model_quantized.onnx', INT8_TEXTS), sigmoid);
    let max = 0;
    let agree = 0;
    let clear = 0;
    for (let i = 0; i < fp32.length; i++) {
      max = Math.max(max, Math.abs(fp32[i]! - int8[i]!));
      if (fp32[i]! > 0.5 === int8[i]! > 0.5) agree++;
      if (Math.abs(fp32[i]! - 0.5) > INT8_PROBABILITY_TOLERANCE) {
        clear++;
        expect({ i, label: int8[i]! > 0.5 }).toEqual({ i, label: fp32[i]! > 0.5 });
      }
    }
    console.log(
      `${pooling} pooling, int8 vs fp32 on ${INT8_TEXTS} GoEmotions dev texts: max |Δ probability| = ${max.toExponential(2)}, ` +
        `labels at 0.5 equal for ${((100 * agree) / fp32.length).toFixed(2)}% (${clear} decisions outside the band all equal)`,
    );
    expect(max).toBeLessThan(INT8_PROBABILITY_TOLERANCE);
    // Enough decisions outside the band for the label check to mean something. The fresh head's logits are small,
    // and smaller on the mean of the tokens than on [CLS] (measured 479 of 2400 clear decisions vs 1557).
    expect(clear).toBeGreaterThan(fp32.length / (pooling === 'cls' ? 4 : 8));
  });
});
