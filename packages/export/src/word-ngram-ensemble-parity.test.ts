import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  continuationFlags,
  createRng,
  isMangaAssistError,
  NGRAM_ENSEMBLE_BIAS_TENSOR,
  NGRAM_ENSEMBLE_CONTINUATION_TENSOR,
  NGRAM_ENSEMBLE_PIECE_CODES_TENSOR,
  NGRAM_ENSEMBLE_PROBABILITY_EPSILON,
  NGRAM_ENSEMBLE_WORD_IDF_TENSOR,
  NGRAM_ENSEMBLE_WORD_TENSOR,
  ngramEnsembleLogit,
  wordNgramFeatures,
  wordNgramLogits,
  wordPieceCodes,
  type WordPieceTables,
} from '@mangaassist/common';
import { readSafetensors, WordPieceTokenizer, writeSafetensors, type SafetensorsInput } from '@mangaassist/model-format';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { TINY_CONFIG, TINY_HEAD, TINY_LABELS, TINY_VOCAB, writeTinyClassifierDir } from './__tests__/tiny-model-dir';
import { maxAbsDiff } from './__tests__/max-abs-diff';
import { distilBertDims } from './distilbert-dims';
import { exportClassifier, type ExportResult } from './export-model';
import { buildClassifierModel, type ClassifierGraphOptions } from './graph/build-model';
import { wordNgramLogitsGraph } from './graph/ngram-ensemble';
import { encodeModel, OnnxGraphBuilder } from './onnx-graph-builder';
import { WeightSource } from './weight-source';

/** The documented float32 tolerance on logits (as the other parity tests). */
const FP32_LOGIT_TOLERANCE = 1e-4;
/** The dim-32 random test model's int8 bound on probabilities (as the other int8 parity tests). */
const INT8_PROBABILITY_TOLERANCE = 0.06;
// A prime just above the tiny vocabulary (65 ids): word buckets must be at least the vocabulary size, and so few of
// them make word bigrams collide, which the TF-IDF norm must count as one feature.
const BUCKETS = 257;
const WEIGHT = 0.4;

// Repeated words and bigrams, words of several pieces (order ##ed, book ##s, help ##ing, return ##ed) and a word
// the vocabulary lacks ([UNK]); every text but the longest is padded in the batch.
const TEXTS = [
  'where is my order , where is my order ?',
  'i ordered books and returned them , thanks',
  'thanks thanks thanks',
  'why not arrived ? helping is done , refund now today please',
  'ok',
  'zzz manga volume',
];

const numLabels = TINY_LABELS.length;
const vocabSize = TINY_VOCAB.length;
const id = (token: string) => {
  const index = TINY_VOCAB.indexOf(token);
  if (index < 0) throw new Error(`"${token}" is not in the tiny vocabulary`);
  return index;
};
const int64 = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0]!.length]);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

async function ortRun(graph: string | Uint8Array, ids: number[][], mask: number[][], output = 'logits'): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(graph as Uint8Array, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  try {
    return (await session.run({ input_ids: int64(ids), attention_mask: int64(mask) }))[output]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** The `words` ensemble's tensors, random but seeded: what a fit would save, with some features dropped (idf 0). */
interface WordsEnsemble {
  readonly tables: WordPieceTables;
  readonly table: Float32Array;
  readonly idf: Float32Array;
  readonly bias: Float32Array;
}

function randomWordsEnsemble(seed: number): WordsEnsemble {
  const rng = createRng(seed);
  const uniform = (length: number, scale: number) => Float32Array.from({ length }, () => (2 * rng.next() - 1) * scale);
  const tables = { continuation: continuationFlags(TINY_VOCAB), codes: wordPieceCodes(vocabSize, BUCKETS, seed), buckets: BUCKETS };
  const idf = Float32Array.from({ length: 2 * BUCKETS }, () => (rng.chance(0.2) ? 0 : 1 + 3 * rng.next()));
  // The one-word text "ok" has a single feature; dropping it leaves that text with the bias alone.
  idf[tables.codes[id('ok')]!] = 0;
  return { tables, table: uniform(2 * BUCKETS * numLabels, 2), idf, bias: uniform(numLabels, 0.5) };
}

/** Adds the ensemble's tensors (and `replace`'s, over them) to `dir`'s model.safetensors and records it in config.json. */
function addWordsEnsemble(dir: string, ensemble: WordsEnsemble, replace: Readonly<Record<string, SafetensorsInput | null>> = {}): void {
  const weightsFile = join(dir, 'model.safetensors');
  const tensors = new Map<string, SafetensorsInput>([...readSafetensors(weightsFile).tensors].map(([n, t]) => [n, { shape: t.shape, data: t.data as Float32Array }]));
  const added: Record<string, SafetensorsInput> = {
    [NGRAM_ENSEMBLE_WORD_TENSOR]: { shape: [2 * BUCKETS, numLabels], data: ensemble.table },
    [NGRAM_ENSEMBLE_WORD_IDF_TENSOR]: { shape: [2 * BUCKETS], data: ensemble.idf },
    [NGRAM_ENSEMBLE_PIECE_CODES_TENSOR]: { shape: [vocabSize], data: ensemble.tables.codes },
    [NGRAM_ENSEMBLE_CONTINUATION_TENSOR]: { shape: [vocabSize], data: ensemble.tables.continuation },
    [NGRAM_ENSEMBLE_BIAS_TENSOR]: { shape: [numLabels], data: ensemble.bias },
  };
  for (const [name, tensor] of Object.entries({ ...added, ...replace })) {
    if (tensor) tensors.set(name, tensor);
    else tensors.delete(name);
  }
  writeSafetensors(weightsFile, tensors, { format: 'pt' });
  const configFile = join(dir, 'config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8'));
  const head = { ...config.mangaassist_head, ngram_ensemble: { weight: WEIGHT, buckets: BUCKETS, features: 'words' } };
  writeFileSync(configFile, JSON.stringify({ ...config, mangaassist_head: head }, null, 2));
}

const reference = (ensemble: WordsEnsemble, ids: readonly number[], mask: readonly number[]) =>
  wordNgramLogits(ids, mask, ensemble.tables, ensemble.idf, ensemble.table, ensemble.bias);

describe('wordNgramLogitsGraph (ONNX) vs wordNgramLogits, padding anywhere', () => {
  const work = mkdtempSync(join(tmpdir(), 'export-word-ngram-graph-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it(`computes the reference's logits within ${FP32_LOGIT_TOLERANCE}, and a row's logits do not depend on its padding`, async () => {
    const ensemble = randomWordsEnsemble(11);
    const dir = writeTinyClassifierDir(join(work, 'model'));
    addWordsEnsemble(dir, ensemble);
    const file = join(dir, 'model.safetensors');
    const g = new OnnxGraphBuilder();
    const ids = g.input('input_ids', 'int64', ['batch', 'sequence']);
    const mask = g.input('attention_mask', 'int64', ['batch', 'sequence']);
    const weights = new WeightSource(readSafetensors(file).tensors, file);
    g.output(wordNgramLogitsGraph(g, weights, ids, mask, vocabSize, numLabels, BUCKETS), 'ngram_logits', 'float32', ['batch', numLabels]);
    const graph = encodeModel(g.toModel({ graphName: 'word_ngrams', opset: 17, usesContribOps: false }));

    const tokens = (text: string) => text.split(' ').map(id);
    // Padding positions hold arbitrary ids: only the mask may decide what counts.
    const junk = [id('refund'), id('##ing'), id('[PAD]'), id('bad'), id('##s')];
    const width = 14;
    const rows: { name: string; ids: number[]; mask: number[] }[] = [];
    const add = (name: string, real: number[], before = 0) => {
      const after = width - before - real.length;
      rows.push({ name, ids: [...junk.slice(0, before), ...real, ...junk.concat(junk, junk).slice(0, after)], mask: [...Array(before).fill(0), ...real.map(() => 1), ...Array(after).fill(0)] });
    };
    const repeated = tokens('[CLS] order ##ed order ##ed order where order ##ed [SEP]');
    add('repeated words, right padding', repeated);
    add('the same, left padding', repeated, 4);
    add('a continuation piece first (it starts a word)', tokens('##ing good ##s ok'), 3);
    add('one word whose only feature is dropped (idf 0): the bias', tokens('ok'), 5);
    add('one real position per word, full width', tokens('[CLS] where is my order it was late again i want to [SEP]'));
    // A hole in the mask inside "order ##ed": the reference skips the masked position, so the pieces join.
    rows.push({ name: 'a masked hole between two pieces', ids: [id('[CLS]'), id('order'), id('thanks'), id('##ed'), id('[SEP]'), ...Array(width - 5).fill(0)], mask: [1, 1, 0, 1, 1, ...Array(width - 5).fill(0)] });
    rows.push({ name: 'no real position: the bias', ids: junk.concat(junk, junk).slice(0, width), mask: Array(width).fill(0) });

    const batch = await ortRun(graph, rows.map((r) => r.ids), rows.map((r) => r.mask), 'ngram_logits');
    const diffs = rows.map((row, i) => ({ row: row.name, diff: maxAbsDiff(batch.subarray(i * numLabels, (i + 1) * numLabels), reference(ensemble, row.ids, row.mask)) }));
    console.log(`word n-gram logits, ONNX vs reference, ${rows.length} rows: max |Δ| = ${Math.max(...diffs.map((d) => d.diff)).toExponential(2)}`);
    expect(diffs.filter((d) => !(d.diff < FP32_LOGIT_TOLERANCE))).toEqual([]);

    // The rows the reference must treat specially do: repeats kept, the hole joined, the empty rows at the bias.
    // [CLS] ordered ordered order where ordered [SEP]: 7 words, 6 bigrams, "ordered" and "ordered ordered" repeated.
    const features = wordNgramFeatures(rows[0]!.ids, rows[0]!.mask, ensemble.tables);
    expect(features.length).toBe(7 + 6);
    expect(new Set(features).size).toBeLessThan(7 + 6);
    expect(wordNgramFeatures(rows[5]!.ids, rows[5]!.mask, ensemble.tables).length).toBe(3 + 2);
    for (const i of [3, 6]) expect(maxAbsDiff(batch.subarray(i * numLabels, (i + 1) * numLabels), ensemble.bias)).toBeLessThan(1e-6);
    // Padding changes nothing: left- and right-padded copies agree, and so does each row alone.
    expect(maxAbsDiff(batch.subarray(0, numLabels), batch.subarray(numLabels, 2 * numLabels))).toBeLessThan(1e-6);
    for (let i = 0; i < rows.length - 1; i++) {
      const real = rows[i]!.ids.filter((_, t) => rows[i]!.mask[t] === 1);
      const alone = await ortRun(graph, [real], [real.map(() => 1)], 'ngram_logits');
      expect(maxAbsDiff(alone, batch.subarray(i * numLabels, (i + 1) * numLabels))).toBeLessThan(1e-5);
    }
  });
});

// The tiny random classifier exported twice, without the ensemble (the network's own logits) and with a `words`
// ensemble added to its model.safetensors and config.json: the served logits must be the network's mixed with the
// reference n-gram logits by the common mixing rule.
describe('words n-gram ensemble: exported ONNX (fp32, int8) vs the reference mixed with the network, padded batch', () => {
  const work = mkdtempSync(join(tmpdir(), 'export-word-ngram-parity-'));
  const ensemble = randomWordsEnsemble(5);
  let batch: { inputIds: number[][]; attentionMask: number[][] };
  let result: ExportResult;
  const plainDir = join(work, 'plain');
  const wordsDir = join(work, 'words');
  const graphFile = (out: string, int8 = false) => join(work, out, 'onnx', int8 ? 'model_quantized.onnx' : 'model.onnx');

  beforeAll(() => {
    writeTinyClassifierDir(plainDir);
    cpSync(plainDir, wordsDir, { recursive: true });
    addWordsEnsemble(wordsDir, ensemble);
    exportClassifier({ modelDir: plainDir, outDir: join(work, 'plain-onnx'), quantize: 'int8' });
    result = exportClassifier({ modelDir: wordsDir, outDir: join(work, 'words-onnx'), quantize: 'int8' });
    batch = WordPieceTokenizer.fromDirectory(wordsDir).encodeBatch(TEXTS, { maxLength: 32 });
  }, 60_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** `ngramEnsembleLogit(network, reference n-gram logit, weight)` of every row and label. */
  const expectedLogits = (network: Float32Array) =>
    batch.inputIds.flatMap((ids, i) => {
      const z = reference(ensemble, ids, batch.attentionMask[i]!);
      return Array.from(z, (zl, l) => ngramEnsembleLogit(network[i * numLabels + l]!, zl, WEIGHT));
    });

  it('records the words ensemble in the result, export.json and the exported config.json', () => {
    const lengths = batch.attentionMask.map((row) => row.reduce((a, b) => a + b, 0));
    expect(lengths.filter((l) => l < batch.inputIds[0]!.length).length).toBe(TEXTS.length - 1);
    // The texts hold what the brief of the features needs: a word of several pieces and a word repeated.
    const tokenized = WordPieceTokenizer.fromDirectory(wordsDir);
    expect(tokenized.encode(TEXTS[1]!).tokens).toEqual(expect.arrayContaining(['order', '##ed', 'book', '##s']));
    expect(result.ngramEnsemble).toEqual({ weight: WEIGHT, buckets: BUCKETS, features: 'words' });
    expect(result.head).toEqual(TINY_HEAD);
    expect(JSON.parse(readFileSync(join(work, 'words-onnx', 'config.json'), 'utf8')).mangaassist_head.ngram_ensemble).toEqual({
      weight: WEIGHT,
      buckets: BUCKETS,
      features: 'words',
    });
    expect(JSON.parse(readFileSync(join(work, 'words-onnx', 'export.json'), 'utf8')).ngramEnsemble).toEqual({
      weight: WEIGHT,
      buckets: BUCKETS,
      features: 'words',
      tensors: ['ngram_ensemble.word.weight', 'ngram_ensemble.word.idf', 'ngram_ensemble.piece.codes', 'ngram_ensemble.piece.continuation', 'ngram_ensemble.bias'],
      words: 'a position with attention_mask 1 starts a word unless its id is a continuation piece (the first such position always does)',
      wordBucket: '(sum of the codes of its pieces) mod buckets',
      bigramHash: 'buckets + (first_word_bucket * 509 + second_word_bucket) mod buckets',
      scale: 'TF-IDF: count * idf of each feature, the row scaled to unit L2 norm',
      mixing: 'logit(clip((1 - weight) * sigmoid(deep + wide logits) + weight * sigmoid(n-gram sum + bias), epsilon, 1 - epsilon))',
      epsilon: NGRAM_ENSEMBLE_PROBABILITY_EPSILON,
      precision: 'float32',
    });
  });

  it('keeps the ensemble tables float32 (ints int64) under ngram_* names in both graphs', () => {
    for (const int8 of [false, true]) {
      const graph = onnx.ModelProto.decode(readFileSync(graphFile('words-onnx', int8))).graph!;
      const initializers = new Map(graph.initializer!.map((t) => [t.name!, t]));
      const expected = {
        ngram_word: [onnx.TensorProto.DataType.FLOAT, [2 * BUCKETS, numLabels]],
        ngram_word_idf: [onnx.TensorProto.DataType.FLOAT, [2 * BUCKETS]],
        ngram_bias: [onnx.TensorProto.DataType.FLOAT, [numLabels]],
        ngram_piece_codes: [onnx.TensorProto.DataType.INT64, [vocabSize]],
        ngram_piece_continuation: [onnx.TensorProto.DataType.INT64, [vocabSize]],
      };
      for (const [name, [dataType, dims]] of Object.entries(expected)) {
        expect({ name, dataType: initializers.get(name)?.dataType, dims: initializers.get(name)?.dims?.map(Number) }).toEqual({ name, dataType, dims });
      }
      expect(graph.node!.some((n) => n.opType === 'DynamicQuantizeMatMul')).toBe(int8);
      // No name had to be made unique with a counter: each constant is added once.
      expect([...initializers.keys()].filter((n) => /^ngram_.*_\d+$/.test(n))).toEqual([]);
    }
  });

  it(`float32 ONNX logits (contrib and standard graphs) equal ngramEnsembleLogit(network, wordNgramLogits) within ${FP32_LOGIT_TOLERANCE}`, async () => {
    const dims = distilBertDims(TINY_CONFIG, 'config.json');
    const standard = (dir: string, words: boolean) => {
      const file = join(dir, 'model.safetensors');
      const weights = new WeightSource(readSafetensors(file).tensors, file);
      const options: ClassifierGraphOptions = { fusion: 'standard', ...(words ? { ngramEnsemble: { weight: WEIGHT, buckets: BUCKETS, features: 'words' } } : {}) };
      return encodeModel(buildClassifierModel(weights, dims, TINY_HEAD, options));
    };
    const pairs = {
      contrib: [graphFile('plain-onnx'), graphFile('words-onnx')],
      standard: [standard(plainDir, false), standard(wordsDir, true)],
    };
    for (const [name, [plain, words]] of Object.entries(pairs)) {
      const network = await ortRun(plain!, batch.inputIds, batch.attentionMask);
      const served = await ortRun(words!, batch.inputIds, batch.attentionMask);
      const diff = maxAbsDiff(served, expectedLogits(network));
      console.log(`tiny classifier with a words n-gram ensemble, reference vs ORT fp32 (${name}), ${TEXTS.length} padded texts: max |Δ logit| = ${diff.toExponential(2)}`);
      expect(diff).toBeLessThan(FP32_LOGIT_TOLERANCE);
      // The ensemble moves the logits.
      expect(maxAbsDiff(served, network)).toBeGreaterThan(0.1);
    }
  });

  it('each text alone through ONNX (no padding) matches its padded row', async () => {
    const padded = await ortRun(graphFile('words-onnx'), batch.inputIds, batch.attentionMask);
    let max = 0;
    for (let i = 0; i < TEXTS.length; i++) {
      const length = batch.attentionMask[i]!.reduce((a, b) => a + b, 0);
      const alone = await ortRun(graphFile('words-onnx'), [batch.inputIds[i]!.slice(0, length)], [batch.attentionMask[i]!.slice(0, length)]);
      max = Math.max(max, maxAbsDiff(alone, padded.subarray(i * numLabels, (i + 1) * numLabels)));
    }
    expect(max).toBeLessThan(FP32_LOGIT_TOLERANCE);
  });

  it(`the int8 graph mixes the same float32 ensemble (exactly, given its network; within ${INT8_PROBABILITY_TOLERANCE} of fp32 on probabilities)`, async () => {
    const int8Network = await ortRun(graphFile('plain-onnx', true), batch.inputIds, batch.attentionMask);
    const int8 = await ortRun(graphFile('words-onnx', true), batch.inputIds, batch.attentionMask);
    expect(maxAbsDiff(int8, expectedLogits(int8Network))).toBeLessThan(FP32_LOGIT_TOLERANCE);
    const fp32 = expectedLogits(await ortRun(graphFile('plain-onnx'), batch.inputIds, batch.attentionMask));
    const diff = maxAbsDiff(Array.from(int8, sigmoid), fp32.map(sigmoid));
    console.log(`tiny classifier with a words n-gram ensemble, int8 ORT vs fp32 reference: max |Δ probability| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(INT8_PROBABILITY_TOLERANCE);
  });

  it('refuses a missing, mis-shaped, mistyped or out-of-range word table, naming the file and the tensor', () => {
    const attempt = (label: string, replace: Readonly<Record<string, SafetensorsInput | null>>) => {
      const dir = join(work, `broken-${label}`);
      cpSync(plainDir, dir, { recursive: true });
      addWordsEnsemble(dir, ensemble, replace);
      try {
        exportClassifier({ modelDir: dir, outDir: join(work, `broken-${label}-onnx`) });
      } catch (error) {
        expect(isMangaAssistError(error, 'CHECKPOINT_INVALID')).toBe(true);
        return (error as Error).message.replace(`${join(dir, 'model.safetensors')}: `, '');
      }
      throw new Error('expected CHECKPOINT_INVALID');
    };
    for (const missing of [NGRAM_ENSEMBLE_PIECE_CODES_TENSOR, NGRAM_ENSEMBLE_CONTINUATION_TENSOR, NGRAM_ENSEMBLE_WORD_TENSOR, NGRAM_ENSEMBLE_WORD_IDF_TENSOR, NGRAM_ENSEMBLE_BIAS_TENSOR]) {
      expect(attempt(`missing-${missing}`, { [missing]: null })).toBe(`missing tensor "${missing}"`);
    }
    const codes = ensemble.tables.codes;
    expect(attempt('codes-shape', { [NGRAM_ENSEMBLE_PIECE_CODES_TENSOR]: { shape: [vocabSize - 1], data: codes.slice(1) } })).toBe(
      `tensor "ngram_ensemble.piece.codes" has shape [${vocabSize - 1}], expected [${vocabSize}]`,
    );
    expect(attempt('codes-float', { [NGRAM_ENSEMBLE_PIECE_CODES_TENSOR]: { shape: [vocabSize], data: Float32Array.from(codes) } })).toBe(
      'tensor "ngram_ensemble.piece.codes" has dtype F32; an int32 (I32) tensor is expected',
    );
    const outOfRange = Int32Array.from(codes);
    outOfRange[7] = BUCKETS;
    expect(attempt('codes-range', { [NGRAM_ENSEMBLE_PIECE_CODES_TENSOR]: { shape: [vocabSize], data: outOfRange } })).toBe(
      `tensor "ngram_ensemble.piece.codes" holds ${BUCKETS} at id 7; a code must be in [0, ${BUCKETS}) (the word buckets)`,
    );
    const flags = Int32Array.from(ensemble.tables.continuation);
    flags[3] = 2;
    expect(attempt('continuation-range', { [NGRAM_ENSEMBLE_CONTINUATION_TENSOR]: { shape: [vocabSize], data: flags } })).toBe(
      'tensor "ngram_ensemble.piece.continuation" holds 2 at id 3; a continuation flag must be 0 or 1',
    );
    expect(attempt('idf-shape', { [NGRAM_ENSEMBLE_WORD_IDF_TENSOR]: { shape: [BUCKETS], data: ensemble.idf.slice(0, BUCKETS) } })).toBe(
      `tensor "ngram_ensemble.word.idf" has shape [${BUCKETS}], expected [${2 * BUCKETS}]`,
    );
  });
});
