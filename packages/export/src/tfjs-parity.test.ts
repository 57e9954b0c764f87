import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedAsset } from '@mangaassist/common';
import { createClassifier, HEAD_CONFIG_KEY as CORE_HEAD_CONFIG_KEY, type MultiLabelClassifier } from '@mangaassist/core-model';
import { selectTfjsBackend } from '@mangaassist/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { HEAD_CONFIG_KEY } from './export-files';
import { exportClassifier } from './export-model';

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

(available ? describe : describe.skip)(`exported classifier vs TensorFlow.js (${ENCODER}, ${DEV})`, () => {
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
    model = await createClassifier(encoderDir!, { labels: LABELS, seed: 11 });
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
  });

  it('float32 ONNX logits equal TensorFlow.js logits within 1e-4', async () => {
    const logits = await onnxLogits('model.onnx', TFJS_TEXTS);
    let max = 0;
    for (let i = 0; i < logits.length; i++) max = Math.max(max, Math.abs(logits[i]! - tfjsLogits[i]!));
    console.log(`tfjs vs ORT fp32 on ${TFJS_TEXTS} GoEmotions dev texts: max |Δ logit| = ${max.toExponential(2)}`);
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
      `int8 vs fp32 on ${INT8_TEXTS} GoEmotions dev texts: max |Δ probability| = ${max.toExponential(2)}, ` +
        `labels at 0.5 equal for ${((100 * agree) / fp32.length).toFixed(2)}% (${clear} decisions outside the band all equal)`,
    );
    expect(max).toBeLessThan(INT8_PROBABILITY_TOLERANCE);
    expect(clear).toBeGreaterThan(fp32.length / 4);
  });
});
