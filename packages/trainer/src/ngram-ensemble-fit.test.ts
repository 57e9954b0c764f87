import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  continuationFlags,
  isMangaAssistError,
  NGRAM_ENSEMBLE_BIAS_TENSOR,
  NGRAM_ENSEMBLE_BIGRAM_TENSOR,
  NGRAM_ENSEMBLE_C_GRID,
  NGRAM_ENSEMBLE_CONTINUATION_TENSOR,
  NGRAM_ENSEMBLE_PIECE_CODES_TENSOR,
  NGRAM_ENSEMBLE_UNIGRAM_TENSOR,
  NGRAM_ENSEMBLE_WORD_IDF_TENSOR,
  NGRAM_ENSEMBLE_WORD_TENSOR,
  ngramEnsembleLogit,
  ngramEnsembleSchema,
  ngramFeatureRow,
  parseConfig,
  trainJobConfigSchema,
  wordNgramLogits,
  wordPieceCodes,
} from '@mangaassist/common';
import { createClassifier, loadClassifier } from '@mangaassist/core-model';
import { toMultiHot, trainLogisticOvr } from '@mangaassist/data';
import { readSafetensors, WordPieceTokenizer } from '@mangaassist/model-format';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend, writeTinyDistilBert } from './__tests__/fixtures';
import { fitNgramEnsemble } from './ngram-ensemble-fit';
import { runTrainJob } from './train-job';

beforeAll(useCpuBackend);

const WORDS = ['late', 'again', 'love', 'this', 'where', 'is', 'my', 'order', 'confused', 'how', 'ok', 'fine'];
const LABELS = ['frustration', 'satisfaction', 'confusion', 'neutral'];
const EXAMPLES = Array.from({ length: 40 }, (_, i) => {
  const kind = i % 4;
  const text = [['late again', 'where is my order'], ['love this', 'fine ok'], ['how is this', 'confused'], ['ok', 'fine']][kind]![i % 2]!;
  return { text, labels: [LABELS[kind]!] };
});
const SETTINGS = ngramEnsembleSchema.parse({ enabled: true, weight: 0.4, buckets: 97, epochs: 20 });

/** A saved tiny classifier (random 2-layer DistilBERT over {@link WORDS}) without an ensemble. */
async function savedClassifier(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'ngram-fit-'));
  writeTinyDistilBert(join(root, 'encoder'), { words: WORDS, layers: 2 });
  const model = await createClassifier(join(root, 'encoder'), { labels: LABELS, head: { hiddenDim: 8 }, maxLength: 6, seed: 3 });
  await model.save(join(root, 'model'));
  model.dispose();
  return join(root, 'model');
}

describe('fitNgramEnsemble', () => {
  it("writes the regression's weights as the ensemble's tables, which loading mixes into the network's probabilities", async () => {
    const dir = await savedClassifier();
    const texts = ['late again', 'fine ok', 'how is this late again ok fine', 'where is my order'];
    const before = await loadClassifier(dir);
    const network = await before.predictProbabilities(texts);
    before.dispose();

    const fit = fitNgramEnsemble(dir, EXAMPLES, SETTINGS);
    const vocabSize = WORDS.length + 5; // [PAD] [UNK] [CLS] [SEP] [MASK] and the words
    expect(fit).toMatchObject({ examples: 40, features: vocabSize + 97 });
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { mangaassist_head: Record<string, unknown> };
    expect(config.mangaassist_head).toMatchObject({ max_length: 6, ngram_ensemble: { weight: 0.4, buckets: 97 } });
    const { tensors } = readSafetensors(join(dir, 'model.safetensors'));
    expect(tensors.get(NGRAM_ENSEMBLE_UNIGRAM_TENSOR)!.shape).toEqual([vocabSize, 4]);
    expect(tensors.get(NGRAM_ENSEMBLE_BIGRAM_TENSOR)!.shape).toEqual([97, 4]);
    expect(tensors.get(NGRAM_ENSEMBLE_BIAS_TENSOR)!.shape).toEqual([4]);

    // The same regression, fitted here on the same rows (the model's 6-token limit), is the ensemble's n-gram model.
    const tokenizer = WordPieceTokenizer.fromDirectory(dir);
    const rows = (list: readonly string[]) =>
      list.map((text) => {
        const ids = tokenizer.encode(text, { maxLength: 6 }).ids;
        return ngramFeatureRow(ids, ids.map(() => 1), vocabSize, 97);
      });
    const regression = trainLogisticOvr(rows(EXAMPLES.map((e) => e.text)), toMultiHot(EXAMPLES, LABELS), vocabSize + 97, { epochs: 20, l2: SETTINGS.l2 });
    const ngram = regression.predictProba(rows(texts));
    // It learnt the training messages: "late again" is frustration, "fine ok" satisfaction.
    expect(ngram[0]![0]).toBeGreaterThan(0.8);
    expect(ngram[1]![1]).toBeGreaterThan(0.8);

    const loaded = await loadClassifier(dir);
    expect(loaded.ngramEnsemble).toEqual({ weight: 0.4, buckets: 97, features: 'wordpieces' });
    const mixed = await loaded.predictProbabilities(texts);
    loaded.dispose();
    const logit = (p: number) => Math.log(p) - Math.log(1 - p);
    texts.forEach((_, i) =>
      LABELS.forEach((_, l) => {
        const expected = 1 / (1 + Math.exp(-ngramEnsembleLogit(logit(network[i]![l]!), logit(ngram[i]![l]!), 0.4)));
        expect(mixed[i]![l]).toBeCloseTo(expected, 5);
      }),
    );
  }, 60_000);

  it('replaces an earlier fit and keeps every other tensor', async () => {
    const dir = await savedClassifier();
    const original = readSafetensors(join(dir, 'model.safetensors')).tensors;
    fitNgramEnsemble(dir, EXAMPLES, SETTINGS);
    fitNgramEnsemble(dir, EXAMPLES.slice(0, 20), { ...SETTINGS, weight: 0.7, buckets: 31 });
    const { tensors } = readSafetensors(join(dir, 'model.safetensors'));
    expect(tensors.size).toBe(original.size + 3);
    for (const [name, tensor] of original) expect(Array.from(tensors.get(name)!.data as Float32Array)).toEqual(Array.from(tensor.data as Float32Array));
    expect(tensors.get(NGRAM_ENSEMBLE_BIGRAM_TENSOR)!.shape).toEqual([31, 4]);
    const loaded = await loadClassifier(dir);
    expect(loaded.ngramEnsemble).toEqual({ weight: 0.7, buckets: 31, features: 'wordpieces' });
    loaded.dispose();
  }, 60_000);

  it('writes one fit into several directories of a run, and refuses a directory that reads text otherwise before writing', async () => {
    const dir = await savedClassifier();
    const copy = join(dirname(dir), 'copy');
    cpSync(dir, copy, { recursive: true });
    const fit = fitNgramEnsemble([dir, copy], EXAMPLES, SETTINGS);
    expect(fit.examples).toBe(40);
    const tables = (d: string) => {
      const { tensors } = readSafetensors(join(d, 'model.safetensors'));
      return [NGRAM_ENSEMBLE_UNIGRAM_TENSOR, NGRAM_ENSEMBLE_BIGRAM_TENSOR, NGRAM_ENSEMBLE_BIAS_TENSOR].map((name) => Array.from(tensors.get(name)!.data as Float32Array));
    };
    expect(tables(copy)).toEqual(tables(dir));

    // A model of 4 tokens does not see the same n-grams as one of 6: one fit cannot serve both.
    const other = join(dirname(dir), 'other');
    cpSync(dir, other, { recursive: true });
    const config = JSON.parse(readFileSync(join(other, 'config.json'), 'utf8')) as { mangaassist_head: Record<string, unknown> };
    config.mangaassist_head.max_length = 4;
    writeFileSync(join(other, 'config.json'), JSON.stringify(config));
    const before = readFileSync(join(dir, 'model.safetensors'));
    expect(() => fitNgramEnsemble([dir, other], EXAMPLES.slice(0, 20), { ...SETTINGS, buckets: 31 })).toThrow(
      `${other} reads text unlike ${dir} (vocabulary ${WORDS.length + 5} vs ${WORDS.length + 5}, token limit 4 vs 6`,
    );
    expect(readFileSync(join(dir, 'model.safetensors')).equals(before)).toBe(true);
    expect(() => fitNgramEnsemble([], EXAMPLES, SETTINGS)).toThrow('no model directory to write the n-gram ensemble into');
  }, 60_000);

  it('refuses an empty training set, naming the directory', async () => {
    const dir = await savedClassifier();
    expect(() => fitNgramEnsemble(dir, [], SETTINGS)).toThrow(`no training message to fit the n-gram ensemble of ${dir} on`);
  }, 60_000);
});

describe('fitNgramEnsemble with features words', () => {
  const VOCAB = WORDS.length + 5;
  const BUCKETS = 61;
  const WORD_SETTINGS = ngramEnsembleSchema.parse({ enabled: true, weight: 0.4, buckets: BUCKETS, features: 'words' });
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

  it('writes TF-IDF word tables, codes and continuation flags that the reference reads as a model of the training messages', async () => {
    const dir = await savedClassifier();
    const before = readSafetensors(join(dir, 'model.safetensors')).tensors;
    const texts = ['late again', 'fine ok', 'how is this late again ok fine', 'where is my order'];
    const plain = await loadClassifier(dir);
    const network = await plain.predictProbabilities(texts);
    plain.dispose();
    fitNgramEnsemble(dir, EXAMPLES, SETTINGS);
    const fit = fitNgramEnsemble(dir, EXAMPLES, WORD_SETTINGS, EXAMPLES.slice(0, 16));
    // C chosen on the validation messages: the best score of the grid, the stronger penalty on a tie.
    expect(fit.validationMacroF1!.map((s) => s.c)).toEqual(NGRAM_ENSEMBLE_C_GRID);
    const best = Math.max(...fit.validationMacroF1!.map((s) => s.macroF1));
    expect(fit.c).toBe(fit.validationMacroF1!.find((s) => s.macroF1 === best)!.c);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { mangaassist_head: Record<string, unknown> };
    expect(config.mangaassist_head).toMatchObject({ ngram_ensemble: { weight: 0.4, buckets: BUCKETS, features: 'words' } });

    // The word pieces' fit written before is gone; nothing else moved.
    const { tensors } = readSafetensors(join(dir, 'model.safetensors'));
    expect(tensors.has(NGRAM_ENSEMBLE_UNIGRAM_TENSOR)).toBe(false);
    expect(tensors.size).toBe(before.size + 5);
    for (const [name, tensor] of before) expect(Array.from(tensors.get(name)!.data as Float32Array)).toEqual(Array.from(tensor.data as Float32Array));
    const table = tensors.get(NGRAM_ENSEMBLE_WORD_TENSOR)!;
    const idf = tensors.get(NGRAM_ENSEMBLE_WORD_IDF_TENSOR)!;
    const codes = tensors.get(NGRAM_ENSEMBLE_PIECE_CODES_TENSOR)!;
    const continuation = tensors.get(NGRAM_ENSEMBLE_CONTINUATION_TENSOR)!;
    expect([table.shape, idf.shape, codes.shape, continuation.shape]).toEqual([[2 * BUCKETS, 4], [2 * BUCKETS], [VOCAB], [VOCAB]]);
    expect([codes.dtype, continuation.dtype]).toEqual(['I32', 'I32']);
    const tokenizer = WordPieceTokenizer.fromDirectory(dir);
    expect(Array.from(codes.data as Int32Array)).toEqual(Array.from(wordPieceCodes(VOCAB, BUCKETS, 0)));
    expect(Array.from(continuation.data as Int32Array)).toEqual(Array.from(continuationFlags(tokenizer.vocabulary())));
    expect(fit.features).toBe((idf.data as Float32Array).filter((v) => v > 0).length);

    // Read by the reference, the tables classify the training messages as they are labelled.
    const tables = { continuation: continuation.data as Int32Array, codes: codes.data as Int32Array, buckets: BUCKETS };
    const bias = tensors.get(NGRAM_ENSEMBLE_BIAS_TENSOR)!.data as Float32Array;
    for (const { text, labels } of EXAMPLES.slice(0, 8)) {
      const ids = tokenizer.encode(text, { maxLength: 6 }).ids;
      const logits = wordNgramLogits(ids, ids.map(() => 1), tables, idf.data as Float32Array, table.data as Float32Array, bias);
      const best = LABELS[logits.indexOf(Math.max(...logits))];
      expect([text, best]).toEqual([text, labels[0]]);
      expect(sigmoid(Math.max(...logits))).toBeGreaterThan(0.5);
    }

    // Loaded, the classifier serves the network's probabilities mixed with the reference's.
    const loaded = await loadClassifier(dir);
    expect(loaded.ngramEnsemble).toEqual({ weight: 0.4, buckets: BUCKETS, features: 'words' });
    const mixed = await loaded.predictProbabilities(texts);
    loaded.dispose();
    const logit = (p: number) => Math.log(p) - Math.log(1 - p);
    texts.forEach((text, i) => {
      const ids = tokenizer.encode(text, { maxLength: 6 }).ids;
      const ngram = wordNgramLogits(ids, ids.map(() => 1), tables, idf.data as Float32Array, table.data as Float32Array, bias);
      LABELS.forEach((_, l) => expect(mixed[i]![l]).toBeCloseTo(sigmoid(ngramEnsembleLogit(logit(network[i]![l]!), ngram[l]!, 0.4)), 5));
    });
  }, 60_000);

  it('fits at the configured C without reading validation, and refuses fewer buckets than word pieces', async () => {
    const dir = await savedClassifier();
    const fit = fitNgramEnsemble(dir, EXAMPLES, { ...WORD_SETTINGS, c: 2 }, EXAMPLES.slice(0, 16));
    expect(fit.c).toBe(2);
    expect(fit.validationMacroF1).toBeUndefined();
    expect(fitNgramEnsemble(dir, EXAMPLES, WORD_SETTINGS).c).toBe(64);
    expect(() => fitNgramEnsemble(dir, EXAMPLES, { ...WORD_SETTINGS, buckets: VOCAB - 1 })).toThrow(
      `model.head.ngramEnsemble.buckets (${VOCAB - 1}) must be at least the vocabulary size (${VOCAB})`,
    );
  }, 60_000);

  it('is refused by runTrainJob before training when its buckets are fewer than the word pieces', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ngram-words-job-'));
    writeTinyDistilBert(join(root, 'encoder'), { words: WORDS, layers: 2 });
    const path = join(root, 'train.jsonl');
    writeFileSync(path, `${EXAMPLES.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const cfg = parseConfig(trainJobConfigSchema, {
      model: { pretrained: join(root, 'encoder'), labels: LABELS, maxLength: 8, head: { hiddenDim: 8, ngramEnsemble: { enabled: true, features: 'words', buckets: 7 } } },
      data: { train: [{ path }], valFraction: 0.2 },
      loss: { id: 'bce' },
      schedule: { epochs: 1, unfreezing: { id: 'full' }, lr: { id: 'constant' } },
      optimizer: { baseLr: 1e-3 },
      training: { outDir: join(root, 'run'), batchSize: 8 },
    });
    const error = await runTrainJob(cfg, { log: () => undefined }).catch((e: unknown) => e);
    expect(isMangaAssistError(error) && error.code === 'INVALID_ARGUMENT' && error.details?.field).toBe('model.head.ngramEnsemble.buckets');
    expect(existsSync(join(root, 'run', 'config.json'))).toBe(false);
  }, 60_000);
});

describe('runTrainJob with model.head.ngramEnsemble', () => {
  it('fits the ensemble into the kept model and every epoch model, on the sources that annotate every label, and says so', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ngram-job-'));
    writeTinyDistilBert(join(root, 'encoder'), { words: WORDS, layers: 2 });
    const write = (name: string, rows: readonly { text: string; labels: string[] }[]) => {
      const path = join(root, name);
      writeFileSync(path, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
      return path;
    };
    const cfg = parseConfig(trainJobConfigSchema, {
      model: {
        pretrained: join(root, 'encoder'),
        labels: LABELS,
        maxLength: 8,
        head: { hiddenDim: 8, wide: { enabled: false }, ngramEnsemble: { enabled: true, buckets: 53, epochs: 5 } },
      },
      data: {
        train: [
          { path: write('train.jsonl', EXAMPLES) },
          // A second source annotating satisfaction alone: its 12 messages stay out of the ensemble's fit.
          { path: write('partial.jsonl', EXAMPLES.slice(0, 12)), labels: ['satisfaction'] },
        ],
        validation: { path: write('validation.jsonl', EXAMPLES.slice(0, 8)) },
      },
      loss: { id: 'bce' },
      schedule: { epochs: 2, unfreezing: { id: 'full' }, lr: { id: 'constant' } },
      optimizer: { baseLr: 1e-3 },
      training: { outDir: join(root, 'run'), batchSize: 8, keepEpochModels: true },
    });
    const lines: string[] = [];
    const { summary, ngramEnsemble } = await runTrainJob(cfg, { log: (line) => lines.push(line) });
    expect(ngramEnsemble).toMatchObject({ examples: 40, features: WORDS.length + 5 + 53 });
    const saved = ['last-model', 'epoch-1', 'epoch-2'].map((name) => join(root, 'run', name));
    expect(summary.modelDir).toBe(saved[0]);
    expect(saved.filter((dir) => !existsSync(dir))).toEqual([]);
    expect(lines).toContain(
      `n-gram ensemble: fitted on 40 training messages (wordpieces, ${WORDS.length + 5 + 53} features) in ${ngramEnsemble!.seconds.toFixed(1)} s, weight 0.5, into ${saved.join(', ')}`,
    );
    // Every saved model carries the same n-gram tables beside its own network: an epoch chosen later is scored as served.
    const tensorsOf = (dir: string) => readSafetensors(join(dir, 'model.safetensors')).tensors;
    const values = (dir: string, name: string) => Array.from(tensorsOf(dir).get(name)!.data as Float32Array);
    for (const dir of saved.slice(1)) {
      for (const name of [NGRAM_ENSEMBLE_UNIGRAM_TENSOR, NGRAM_ENSEMBLE_BIGRAM_TENSOR, NGRAM_ENSEMBLE_BIAS_TENSOR]) expect(values(dir, name)).toEqual(values(saved[0]!, name));
    }
    expect(values(saved[1]!, 'classifier.weight')).not.toEqual(values(saved[2]!, 'classifier.weight'));
    const loaded = await loadClassifier(summary.modelDir!);
    expect(loaded.ngramEnsemble).toEqual({ weight: 0.5, buckets: 53, features: 'wordpieces' });
    // Evaluation passes mix; training passes (same dropout seed) are the network's alone: the ensemble never enters a loss.
    const ids = tf.tensor2d([[2, 5, 6, 3]], undefined, 'int32');
    const mask = tf.onesLike(ids) as tf.Tensor2D;
    const pass = async (training: boolean) => (await loaded.apply(ids, mask, { training, seed: 1 }).array()) as number[][];
    const [mixed, trainingWith] = [await pass(false), await pass(true)];
    loaded.setNgramEnsemble(undefined);
    expect(loaded.ngramEnsemble).toBeUndefined();
    expect(await pass(true)).toEqual(trainingWith);
    expect(await pass(false)).not.toEqual(mixed);
    loaded.dispose();
  }, 60_000);
});
