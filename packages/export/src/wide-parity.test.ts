import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMangaAssistError, WIDE_BIGRAM_MULTIPLIER, WIDE_MAX_VOCAB } from '@mangaassist/common';
import { readSafetensors, writeSafetensors } from '@mangaassist/model-format';
import { createClassifier, SeededRandom, type MultiLabelClassifier } from '@mangaassist/core-model';
import { selectTfjsBackend } from '@mangaassist/runtime-tfjs';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { TINY_HEAD, TINY_LABELS, writeTinyClassifierDir } from './__tests__/tiny-model-dir';
import { distilBertDims } from './distilbert-dims';
import { exportClassifier, type ExportResult } from './export-model';
import { buildClassifierModel } from './graph/build-model';
import { wideBigramBucketsGraph } from './graph/wide';
import { encodeModel, OnnxGraphBuilder } from './onnx-graph-builder';
import { WeightSource } from './weight-source';
import { maxAbsDiff } from './__tests__/max-abs-diff';

/** The documented float32 tolerance on logits, TensorFlow.js vs ONNX Runtime (as the other parity tests). */
const FP32_LOGIT_TOLERANCE = 1e-4;
// A prime bucket count of a few thousand: a small file, yet texts share few buckets.
const BUCKETS = 4099;

const int64 = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0]!.length]);

async function run(graph: string | Uint8Array, feeds: Record<string, ort.Tensor>, output: string): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(graph as Uint8Array, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  try {
    return (await session.run(feeds))[output]!;
  } finally {
    await session.release();
  }
}

const ortLogits = async (graph: string | Uint8Array, ids: number[][], mask: number[][]) =>
  (await run(graph, { input_ids: int64(ids), attention_mask: int64(mask) }, 'logits')).data as Float32Array;

describe('wideBigramBucketsGraph (ONNX int64) vs the BigInt hash', () => {
  it('agrees for ids at the top of the largest allowed vocabulary', async () => {
    const top = WIDE_MAX_VOCAB - 1;
    const rows = [
      [top, top, top - 1, 0, top, 1, top - 2, 30521, 30520, top],
      [0, 1, 2, 3, top, top - 1, top - 2, top - 3, 5, 7],
    ];
    for (const buckets of [1, 97, 100003, 2 ** 18, 2 ** 22]) {
      const g = new OnnxGraphBuilder();
      const ids = g.input('input_ids', 'int64', ['batch', 'sequence']);
      g.output(wideBigramBucketsGraph(g, ids, buckets), 'buckets', 'int64', ['batch', 'pairs']);
      const graph = encodeModel(g.toModel({ graphName: 'hash', opset: 17, usesContribOps: false }));
      const actual = Array.from((await run(graph, { input_ids: int64(rows) }, 'buckets')).data as BigInt64Array, Number);
      const expected = rows.flatMap((row) =>
        row.slice(0, -1).map((a, t) => Number((BigInt(a) * BigInt(WIDE_BIGRAM_MULTIPLIER) + BigInt(row[t + 1]!)) % BigInt(buckets))),
      );
      expect({ buckets, actual }).toEqual({ buckets, actual: expected });
    }
  });
});

// A random dim-32 classifier with the wide part, saved by core-model and exported; random (non-zero) tables so the
// wide logits matter, and a batch that pads every text but one.
describe('wide head: TensorFlow.js vs exported ONNX on a tiny random classifier, padded batch', () => {
  const work = mkdtempSync(join(tmpdir(), 'export-wide-parity-'));
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
  let deepLogits: Float32Array;
  let result: ExportResult;

  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'cpu' });
    const source = writeTinyClassifierDir(join(work, 'random'));
    model = await createClassifier(source, { labels: TINY_LABELS, seed: 3, maxLength: 32, head: { hiddenDim: 16, wide: { enabled: true, buckets: BUCKETS } } });
    // The random directory's head (std 0.3) instead of the fresh N(0, 0.02) one, and N(0, 0.5) wide tables.
    const { tensors } = readSafetensors(join(source, 'model.safetensors'));
    const names = { pre_classifier: TINY_HEAD.hidden, classifier: TINY_HEAD.output };
    for (const [ours, theirs] of Object.entries(names)) {
      for (const part of ['weight', 'bias']) {
        const variable = model.headVariables.get(`${ours}.${part}`)!;
        variable.assign(tf.tensor(tensors.get(`${theirs}.${part}`)!.data as Float32Array, variable.shape));
      }
    }
    const rng = new SeededRandom(17);
    for (const name of ['wide.unigram.weight', 'wide.bigram.weight']) {
      const variable = model.headVariables.get(name)!;
      variable.assign(tf.tensor(rng.normalArray(variable.size, 0.5), variable.shape));
    }
    await model.save(join(work, 'model'));
    result = exportClassifier({ modelDir: join(work, 'model'), outDir: join(work, 'onnx'), quantize: 'int8' });
    batch = model.tokenizer.encodeBatch(TEXTS, { maxLength: 32 });
    const ids = tf.tensor2d(batch.inputIds, undefined, 'int32');
    const mask = tf.tensor2d(batch.attentionMask, undefined, 'int32');
    const logits = model.apply(ids, mask);
    tfjsLogits = (await logits.data()) as Float32Array;
    // The deep part alone, for the check that the wide logits are large enough to matter.
    const saved = ['wide.unigram.weight', 'wide.bigram.weight'].map((n) => tf.clone(model.headVariables.get(n)!));
    for (const n of ['wide.unigram.weight', 'wide.bigram.weight']) tf.tidy(() => model.headVariables.get(n)!.assign(tf.zerosLike(model.headVariables.get(n)!)));
    const deep = model.apply(ids, mask);
    deepLogits = (await deep.data()) as Float32Array;
    ['wide.unigram.weight', 'wide.bigram.weight'].forEach((n, i) => model.headVariables.get(n)!.assign(saved[i]!));
    tf.dispose([ids, mask, logits, deep, ...saved]);
  }, 60_000);

  afterAll(() => {
    model?.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  it('records the wide part in export.json and keeps it in the exported config.json', () => {
    const lengths = batch.attentionMask.map((row) => row.reduce((a, b) => a + b, 0));
    expect(lengths.filter((l) => l < batch.inputIds[0]!.length).length).toBe(TEXTS.length - 1);
    expect(result.wide).toEqual({ buckets: BUCKETS, bigrams: true });
    expect(JSON.parse(readFileSync(join(work, 'onnx', 'config.json'), 'utf8')).mangaassist_head.wide).toEqual({
      buckets: BUCKETS,
      bigrams: true,
      lr_multiplier: 300,
    });
    expect(JSON.parse(readFileSync(join(work, 'onnx', 'export.json'), 'utf8')).wide).toEqual({
      buckets: BUCKETS,
      bigrams: true,
      tensors: ['wide.unigram.weight', 'wide.bigram.weight'],
      bigramHash: '(first_id * 16249 + second_id) mod buckets',
      scale: '1 / sqrt(number of positions with attention_mask 1)',
      precision: 'float32',
    });
    // The wide tables are not mistaken for a head Linear (they have no bias).
    expect(result.head).toEqual({ hidden: 'pre_classifier', output: 'classifier' });
    expect(maxAbsDiff(tfjsLogits, deepLogits)).toBeGreaterThan(0.5);
  });

  it(`float32 ONNX logits (contrib and standard graphs) equal TensorFlow.js logits within ${FP32_LOGIT_TOLERANCE}`, async () => {
    const file = join(work, 'model', 'model.safetensors');
    const weights = new WeightSource(readSafetensors(file).tensors, file);
    const dims = distilBertDims(JSON.parse(readFileSync(join(work, 'model', 'config.json'), 'utf8')), 'config.json');
    const head = { hidden: 'pre_classifier', output: 'classifier' };
    const graphs = {
      exported: join(work, 'onnx', 'onnx', 'model.onnx'),
      standard: encodeModel(buildClassifierModel(weights, dims, head, { fusion: 'standard', wide: { buckets: BUCKETS, bigrams: true } })),
    };
    for (const [name, graph] of Object.entries(graphs)) {
      const logits = await ortLogits(graph, batch.inputIds, batch.attentionMask);
      const diff = maxAbsDiff(logits, tfjsLogits);
      console.log(`tiny classifier with the wide head, tfjs vs ORT fp32 (${name}), ${TEXTS.length} padded texts: max |Δ logit| = ${diff.toExponential(2)}`);
      expect(diff).toBeLessThan(FP32_LOGIT_TOLERANCE);
    }
  });

  it('each text alone through ONNX (no padding) matches its padded row in TensorFlow.js; a 1-token input has no bigram', async () => {
    const file = join(work, 'onnx', 'onnx', 'model.onnx');
    let max = 0;
    for (let i = 0; i < TEXTS.length; i++) {
      const length = batch.attentionMask[i]!.reduce((a, b) => a + b, 0);
      const alone = await ortLogits(file, [batch.inputIds[i]!.slice(0, length)], [batch.attentionMask[i]!.slice(0, length)]);
      max = Math.max(max, maxAbsDiff(alone, tfjsLogits.subarray(i * TINY_LABELS.length, (i + 1) * TINY_LABELS.length)));
    }
    expect(max).toBeLessThan(FP32_LOGIT_TOLERANCE);
    // Only [CLS]: the bigram slices are empty in both.
    const cls = [[batch.inputIds[0]![0]!]];
    const tfjs = tf.tidy(() => Array.from(model.apply(tf.tensor2d(cls, undefined, 'int32'), tf.tensor2d([[1]], undefined, 'int32')).dataSync()));
    expect(maxAbsDiff(await ortLogits(file, cls, [[1]]), tfjs)).toBeLessThan(FP32_LOGIT_TOLERANCE);
  });

  it("the int8 graph adds the same float32 wide logits (within the tiny model's int8 bound of 0.06 on probabilities)", async () => {
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    const int8 = Array.from(await ortLogits(join(work, 'onnx', 'onnx', 'model_quantized.onnx'), batch.inputIds, batch.attentionMask), sigmoid);
    const diff = maxAbsDiff(int8, Array.from(tfjsLogits, sigmoid));
    console.log(`tiny classifier with the wide head, int8 ORT vs tfjs: max |Δ probability| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(0.06);
  });

  it('refuses a malformed mangaassist_head.wide or a missing table, naming the file and the field', () => {
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
    try {
      writeFileSync(configFile, JSON.stringify({ ...config, mangaassist_head: { ...config.mangaassist_head, wide: { buckets: 'many', bigrams: true } } }));
      expect(attempt('bad-wide')).toMatch(
        new RegExp(`^${configFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: "mangaassist_head.wide" must be \\{buckets, bigrams, lr_multiplier\\?\\}: mangaassist_head\\.wide\\.buckets: `),
      );
      writeFileSync(configFile, JSON.stringify({ ...config, mangaassist_head: { ...config.mangaassist_head, wide: { buckets: BUCKETS + 1, bigrams: true } } }));
      expect(attempt('wrong-buckets')).toContain(`tensor "wide.bigram.weight" has shape [${BUCKETS},6], expected [${BUCKETS + 1},6]`);
    } finally {
      writeFileSync(configFile, JSON.stringify(config));
    }
    const weightsFile = join(work, 'model', 'model.safetensors');
    const original = readFileSync(weightsFile);
    try {
      const { tensors } = readSafetensors(weightsFile);
      tensors.delete('wide.unigram.weight');
      writeSafetensors(weightsFile, new Map([...tensors].map(([n, t]) => [n, { shape: t.shape, data: t.data as Float32Array }])), { format: 'pt' });
      expect(attempt('missing-table')).toBe(`${weightsFile}: missing tensor "wide.unigram.weight"`);
    } finally {
      writeFileSync(weightsFile, original);
    }
  });
});
