import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { registerNativeCpuKernels, unregisterNativeCpuKernels } from '@mangaassist/cpu-kernels';
import { DEFAULT_NGRAM_ENSEMBLE, isMangaAssistError, modelConfigSchema, parseConfig, WIDE_BIGRAM_MULTIPLIER, WIDE_MAX_VOCAB, wideBigramHash } from '@mangaassist/common';
import { readSafetensors, writeSafetensors } from '@mangaassist/model-format';
import { useCpuBackend } from './__tests__/tf-setup';
import { TINY_VOCAB, writeTinyModel } from './__tests__/tiny-model';
import { createClassifier, loadClassifier } from './classifier-load';
import type { MultiLabelClassifier } from './multi-label-classifier';
import { SeededRandom } from './prng';
import { checkWideVocabulary, resolveWideHead, wideBigramBuckets, wideLogits } from './wide-head';
import { maxAbsDiff } from './__tests__/max-abs-diff';

const LABELS = ['frustration', 'satisfaction', 'urgency'];
// Different lengths, so that every batch but the longest row carries padding.
const TEXTS = ['where is my order?', 'never again!', 'love this series', 'volume 14 is late again, unbelievable!'];
// A small bucket count keeps the tables tiny and makes bucket sharing between texts likely.
const WIDE = { enabled: true, buckets: 97 } as const;

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function encode(model: MultiLabelClassifier, texts: readonly string[]) {
  const encoded = model.tokenizer.encodeBatch(texts, { maxLength: 16 });
  return {
    ids: tf.tensor2d(encoded.inputIds, undefined, 'int32'),
    mask: tf.tensor2d(encoded.attentionMask, undefined, 'int32'),
    rows: encoded.inputIds,
    masks: encoded.attentionMask,
    lengths: encoded.attentionMask.map((row) => row.reduce((a, b) => a + b, 0)),
  };
}

/** Random N(0, 0.5) values in every head variable, wide tables included, so that each part moves the logits. */
function randomiseHead(model: MultiLabelClassifier, seed = 5): void {
  const rng = new SeededRandom(seed);
  for (const v of model.headVariables.values()) v.assign(tf.tensor(rng.normalArray(v.size, 0.5), v.shape));
}

/** The bigram hash with BigInt arithmetic: independent of both float64 and int32. */
const bigIntHash = (a: number, b: number, buckets: number) => Number((BigInt(a) * BigInt(WIDE_BIGRAM_MULTIPLIER) + BigInt(b)) % BigInt(buckets));

/** What `wideLogits` should give, in plain JavaScript over the token rows (the definition, position by position). */
function referenceWideLogits(rows: number[][], masks: number[][], unigram: number[][], bigram: number[][] | undefined, buckets: number): number[][] {
  return rows.map((ids, b) => {
    const mask = masks[b]!;
    const labels = unigram[0]!.length;
    const sum = new Array<number>(labels).fill(0);
    ids.forEach((id, t) => {
      if (mask[t] === 1) unigram[id]!.forEach((w, l) => (sum[l]! += w));
      if (bigram && t + 1 < ids.length && mask[t] === 1 && mask[t + 1] === 1) {
        bigram[wideBigramHash(id, ids[t + 1]!, buckets)]!.forEach((w, l) => (sum[l]! += w));
      }
    });
    const n = Math.max(1, mask.reduce((x, y) => x + y, 0));
    return sum.map((s) => s / Math.sqrt(n));
  });
}

describe('wide head options', () => {
  it('resolves defaults, is off when absent or disabled, and names each wrong field', () => {
    expect(resolveWideHead(undefined)).toBeUndefined();
    expect(resolveWideHead({ enabled: false, buckets: 8 })).toBeUndefined();
    expect(resolveWideHead({})).toEqual({ enabled: true, buckets: 262144, bigrams: true, lrMultiplier: 300 });
    expect(resolveWideHead({ enabled: true })).toEqual({ enabled: true, buckets: 262144, bigrams: true, lrMultiplier: 300 });
    expect(resolveWideHead({ enabled: true, buckets: 1000, bigrams: false, lrMultiplier: 50 })).toEqual({
      enabled: true,
      buckets: 1000,
      bigrams: false,
      lrMultiplier: 50,
    });
    expect(() => resolveWideHead({ enabled: true, buckets: 0 })).toThrow(/^head\.wide is invalid: head\.wide\.buckets: .*>=1/);
    expect(() => resolveWideHead({ enabled: true, buckets: 2 ** 23 })).toThrow(/head\.wide\.buckets: .*4194304/);
    expect(() => resolveWideHead({ enabled: true, buckets: 1.5 })).toThrow(/head\.wide\.buckets:/);
    expect(() => resolveWideHead({ enabled: true, lrMultiplier: 0 })).toThrow(/head\.wide\.lrMultiplier:/);
    expect(() => resolveWideHead({ enabled: 'yes' })).toThrow(/head\.wide\.enabled:/);
    expect(() => resolveWideHead({ enabled: true, bucket: 8 })).toThrow('head.wide is invalid: head.wide: unknown key(s) "bucket"');
  });

  it('model.head.wide of a configuration: on by default, defaults filled when given, off only when disabled, strict', () => {
    const recommended = { enabled: true, buckets: 262144, bigrams: true, lrMultiplier: 300 };
    expect(parseConfig(modelConfigSchema, {}).head).toEqual({ hiddenDim: 256, dropout: 0.2, innerDropout: 0.1, pooling: 'cls', wide: recommended, ngramEnsemble: DEFAULT_NGRAM_ENSEMBLE });
    expect(parseConfig(modelConfigSchema, { head: { hiddenDim: 16 } }).head.wide).toEqual(recommended);
    expect(parseConfig(modelConfigSchema, { head: { wide: { buckets: 1024 } } }).head.wide).toEqual({ ...recommended, buckets: 1024 });
    expect(resolveWideHead(parseConfig(modelConfigSchema, { head: { wide: { enabled: false } } }).head.wide)).toBeUndefined();
    expect(() => parseConfig(modelConfigSchema, { head: { wide: { enabled: true, buckets: -1, size: 3 } } }, 'train.yaml')).toThrow(
      /train\.yaml is invalid \(2 problems\):\n {2}- head\.wide\.buckets: .*\n {2}- head\.wide: unknown key\(s\) "size"/,
    );
  });

  it('refuses bigrams above 2^17 ids, where the int32 hash would overflow; unigrams alone have no limit', () => {
    expect(() => checkWideVocabulary(WIDE_MAX_VOCAB, { bigrams: true })).not.toThrow();
    expect(() => checkWideVocabulary(WIDE_MAX_VOCAB + 1, { bigrams: true })).toThrow(
      'head.wide.bigrams needs a vocabulary of at most 131072 ids (the bigram hash must stay inside int32); this encoder has 131073: set head.wide.bigrams to false',
    );
    expect(() => checkWideVocabulary(WIDE_MAX_VOCAB + 1, { bigrams: false })).not.toThrow();
    expect(() => checkWideVocabulary(10 ** 6, undefined)).not.toThrow();
  });
});

describe('wideBigramBuckets (TensorFlow.js int32) vs the plain JavaScript and BigInt hashes', () => {
  beforeAll(useCpuBackend);

  it('agrees for ids at the top of the largest allowed vocabulary, where a float32 or wrapping product would not', () => {
    const top = WIDE_MAX_VOCAB - 1;
    const ids = [top, top, top - 1, 0, top, 1, top - 2, 30521, 30520, top];
    // (2^31 - 1) as the modulus shows the product itself: it must not have wrapped or been rounded.
    for (const buckets of [1, 7, 97, 1024, 100003, 2 ** 18, 2 ** 22, 2 ** 31 - 1]) {
      const actual = tf.tidy(() => wideBigramBuckets(tf.tensor2d([ids, [...ids].reverse()], undefined, 'int32'), buckets).arraySync());
      const expected = [ids, [...ids].reverse()].map((row) => row.slice(0, -1).map((a, t) => bigIntHash(a, row[t + 1]!, buckets)));
      expect({ buckets, actual }).toEqual({ buckets, actual: expected });
      if (buckets <= 2 ** 22) expect(expected[0]!.map((_, t) => wideBigramHash(ids[t]!, ids[t + 1]!, buckets))).toEqual(expected[0]);
    }
    // The largest product is below 2^31 - 1, as WIDE_BIGRAM_MULTIPLIER's documentation computes.
    expect(top * WIDE_BIGRAM_MULTIPLIER + top).toBe(2_129_903_750);
    expect(() => wideBigramHash(WIDE_MAX_VOCAB, 0, 8)).toThrow('first must be a token id in [0, 131072), got 131072');
  });

  it('gives an empty [batch, 0] tensor for one-token rows and accepts float ids', () => {
    tf.tidy(() => {
      expect(wideBigramBuckets(tf.tensor2d([[5], [6]], undefined, 'int32'), 97).shape).toEqual([2, 0]);
      expect(wideBigramBuckets(tf.tensor2d([[2, 7]]), 97).arraySync()).toEqual([[bigIntHash(2, 7, 97)]]);
    });
  });
});

describe('wideLogits', () => {
  beforeAll(useCpuBackend);

  const rng = new SeededRandom(11);
  const table = (rows: number, labels: number) => Array.from({ length: rows }, () => Array.from(rng.normalArray(labels, 1)));
  const unigram = table(24, 3);
  const bigram = table(13, 3);
  // Two real texts of 5 and 2 tokens, and a row without any real token; padding holds ids that would count.
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

  it('sums the unigram rows and the hashed bigram rows of the real tokens and divides by √(real tokens)', () => {
    for (const bigrams of [true, false]) {
      const actual = tf.tidy(() =>
        wideLogits(
          tf.tensor2d(rows, undefined, 'int32'),
          tf.tensor2d(masks, undefined, 'int32'),
          { unigram: tf.tensor2d(unigram), bigram: tf.tensor2d(bigram) },
          { buckets: 13, bigrams },
        ).arraySync(),
      );
      const expected = referenceWideLogits(rows, masks, unigram, bigrams ? bigram : undefined, 13);
      expect(maxAbsDiff(actual.flat(), expected.flat())).toBeLessThan(1e-6);
      expect(actual[2]).toEqual([0, 0, 0]); // no real token: zeros, not NaN
    }
  });

  it('handles one-token rows (no bigrams at all)', () => {
    const actual = tf.tidy(() =>
      wideLogits(tf.tensor2d([[4]], undefined, 'int32'), tf.tensor2d([[1]], undefined, 'int32'), { unigram: tf.tensor2d(unigram), bigram: tf.tensor2d(bigram) }, { buckets: 13, bigrams: true }).arraySync(),
    );
    expect(maxAbsDiff(actual[0]!, unigram[4]!)).toBeLessThan(1e-6);
  });
});

describe('MultiLabelClassifier with head.wide', () => {
  let root: string;
  let encoderDir: string;
  beforeAll(useCpuBackend);
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'wide-'));
    encoderDir = join(root, 'encoder');
    writeTinyModel(encoderDir, { prefix: 'distilbert.', config: { n_layers: 2, dropout: 0.1, attention_dropout: 0.1 } });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('off (absent or enabled: false) is the old model: no wide key, no tables, the same variables and logits', async () => {
    const plain = await createClassifier(encoderDir, { labels: LABELS, seed: 1, head: { hiddenDim: 16 } });
    const off = await createClassifier(encoderDir, { labels: LABELS, seed: 1, head: { hiddenDim: 16, wide: { enabled: false, buckets: 8 } } });
    for (const model of [plain, off]) {
      expect(Object.keys(model.head)).toEqual(['hiddenDim', 'dropout', 'innerDropout', 'pooling']);
      expect([...model.headVariables.keys()]).toEqual(['pre_classifier.weight', 'pre_classifier.bias', 'classifier.weight', 'classifier.bias']);
      expect(model.learningRateMultipliers().size).toBe(0);
    }
    const { ids, mask } = encode(plain, TEXTS);
    const logits = (m: MultiLabelClassifier) => tf.tidy(() => Array.from(m.apply(ids, mask).dataSync()));
    expect(logits(off)).toEqual(logits(plain));
    tf.dispose([ids, mask]);
    plain.dispose();
    off.dispose();
  });

  it('starts from zero tables, so a new wide head gives exactly the logits of the same head without it', async () => {
    const deep = await createClassifier(encoderDir, { labels: LABELS, seed: 2, head: { hiddenDim: 16 } });
    const wide = await createClassifier(encoderDir, { labels: LABELS, seed: 2, head: { hiddenDim: 16, wide: WIDE } });
    expect(wide.head.wide).toEqual({ enabled: true, buckets: 97, bigrams: true, lrMultiplier: 300 });
    expect(wide.headVariables.get('wide.unigram.weight')!.shape).toEqual([TINY_VOCAB.length, 3]);
    expect(wide.headVariables.get('wide.bigram.weight')!.shape).toEqual([97, 3]);
    expect(wide.headVariables.get('wide.bigram.weight')!.dataSync().every((x) => x === 0)).toBe(true);
    // The wide tables are in the head group (trained from the first epoch) and saved under their names.
    expect(wide.variablesByGroup().head).toEqual([...wide.headVariables.values()]);
    expect([...wide.namedVariables().keys()].slice(-2)).toEqual(['wide.unigram.weight', 'wide.bigram.weight']);
    const { ids, mask } = encode(deep, TEXTS);
    const logits = (m: MultiLabelClassifier) => tf.tidy(() => Array.from(m.apply(ids, mask).dataSync()));
    expect(logits(wide)).toEqual(logits(deep));
    tf.dispose([ids, mask]);
    deep.dispose();
    wide.dispose();
  });

  it('adds exactly the wide logits to the deep ones; a text alone equals its row in a padded batch', async () => {
    const model = await createClassifier(encoderDir, { labels: LABELS, seed: 3, head: { hiddenDim: 16, pooling: 'mean', wide: WIDE } });
    randomiseHead(model);
    const batch = encode(model, TEXTS);
    expect(new Set(batch.lengths).size).toBeGreaterThan(1);
    const tables = ['wide.unigram.weight', 'wide.bigram.weight'].map((n) => model.headVariables.get(n)!.arraySync() as number[][]);
    const expectedWide = referenceWideLogits(batch.rows, batch.masks, tables[0]!, tables[1]!, 97).flat();
    const [batched, deepOnly] = tf.tidy(() => {
      const all = Array.from(model.apply(batch.ids, batch.mask).dataSync());
      // The same model with zeroed tables gives the deep logits alone.
      const saved = tables.map((t) => tf.tensor2d(t));
      for (const n of ['wide.unigram.weight', 'wide.bigram.weight']) model.headVariables.get(n)!.assign(tf.zerosLike(model.headVariables.get(n)!));
      const deep = Array.from(model.apply(batch.ids, batch.mask).dataSync());
      ['wide.unigram.weight', 'wide.bigram.weight'].forEach((n, i) => model.headVariables.get(n)!.assign(saved[i]!));
      return [all, deep];
    });
    const wideDelta = batched.map((x, i) => x - deepOnly[i]!);
    expect(maxAbsDiff(wideDelta, expectedWide)).toBeLessThan(1e-5);
    expect(Math.max(...expectedWide.map(Math.abs))).toBeGreaterThan(0.5);
    for (let i = 0; i < TEXTS.length; i++) {
      const alone = encode(model, [TEXTS[i]!]);
      expect(alone.lengths[0]).toBe(batch.lengths[i]);
      const logits = tf.tidy(() => Array.from(model.apply(alone.ids, alone.mask).dataSync()));
      expect(maxAbsDiff(logits, batched.slice(i * LABELS.length, (i + 1) * LABELS.length))).toBeLessThan(1e-5);
      tf.dispose([alone.ids, alone.mask]);
    }
    tf.dispose([batch.ids, batch.mask]);
    model.dispose();
  });

  it('differentiates into both tables, only at the rows and buckets the batch uses, matching finite differences', async () => {
    const model = await createClassifier(encoderDir, { labels: LABELS, seed: 4, head: { hiddenDim: 16, wide: WIDE } });
    randomiseHead(model);
    // Two texts, so that the second is padded and its padded positions (id 0) must get no gradient.
    const { ids, mask, rows, masks } = encode(model, [TEXTS[3]!, TEXTS[1]!]);
    expect(masks[1]!.includes(0)).toBe(true);
    const targets = tf.tensor2d([[1, 0, 1], [1, 0, 0]]);
    const lossOf = () => tf.losses.sigmoidCrossEntropy(targets, model.apply(ids, mask)) as tf.Scalar;
    const { value, grads } = tf.variableGrads(lossOf, model.trainableVariables());
    value.dispose();
    const unigram = model.headVariables.get('wide.unigram.weight')!;
    const bigram = model.headVariables.get('wide.bigram.weight')!;
    const nonZeroRows = (v: tf.Variable) => {
      const g = grads[v.name]!.arraySync() as number[][];
      return g.flatMap((row, i) => (row.some((x) => x !== 0) ? [i] : []));
    };
    const usedIds = new Set<number>();
    const usedBuckets = new Set<number>();
    rows.forEach((row, b) =>
      row.forEach((id, t) => {
        if (masks[b]![t] !== 1) return;
        usedIds.add(id);
        if (masks[b]![t + 1] === 1) usedBuckets.add(wideBigramHash(id, row[t + 1]!, 97));
      }),
    );
    expect(usedIds.has(0)).toBe(false); // [PAD] appears only at masked positions
    expect(nonZeroRows(unigram)).toEqual([...usedIds].sort((a, b) => a - b));
    expect(nonZeroRows(bigram)).toEqual([...usedBuckets].sort((a, b) => a - b));
    // Central differences at the largest gradient entry of each table (the loss is linear in each entry's logit).
    const h = 1e-2;
    for (const variable of [unigram, bigram]) {
      const g = Array.from(grads[variable.name]!.dataSync());
      const index = g.map(Math.abs).indexOf(Math.max(...g.map(Math.abs)));
      const original = variable.dataSync().slice();
      const lossWith = (delta: number) => {
        const perturbed = original.slice();
        perturbed[index] = perturbed[index]! + delta;
        variable.assign(tf.tensor(perturbed, variable.shape));
        return tf.tidy(() => lossOf().dataSync()[0]!);
      };
      const numeric = (lossWith(h) - lossWith(-h)) / (2 * h);
      variable.assign(tf.tensor(original, variable.shape));
      expect(Math.abs(g[index]!)).toBeGreaterThan(1e-3);
      expect({ name: variable.name, close: Math.abs(numeric - g[index]!) < 0.02 * Math.abs(g[index]!) + 1e-5 }).toEqual({ name: variable.name, close: true });
    }
    tf.dispose(Object.values(grads));
    tf.dispose([ids, mask, targets]);
    model.dispose();
  });

  it('learns a keyword → label mapping with the encoder and the deep head frozen, without leaking tensors', async () => {
    // The gradient of a 65,536-row table is an UnsortedSegmentSum that plain TensorFlow.js computes one segment at a
    // time; the training commands register cpu-kernels' one-pass version, and so does this test (that kernel only).
    registerNativeCpuKernels({ kernels: ['UnsortedSegmentSum'] });
    // Enough buckets that a held-out text's unseen bigrams land in untouched (zero) rows, as with the default 2^18;
    // with 97, the collisions of unseen pairs with trained ones are noise the held-out check would see.
    const model = await createClassifier(encoderDir, { labels: LABELS, seed: 6, head: { hiddenDim: 16, wide: { enabled: true, buckets: 65536 } } });
    // Keywords decide the labels: "never" → frustration, "love" → satisfaction, "late" → urgency.
    const keywords = ['never', 'love', 'late'];
    const fillers = ['where', 'is', 'my', 'order', 'manga', 'this', 'series', 'volume', '14', 'again', '.', '!', '?'];
    const rng = new SeededRandom(21);
    const makeText = () => {
      const present = keywords.map(() => rng.next() < 0.4);
      const words = Array.from({ length: 2 + Math.floor(rng.next() * 5) }, () => fillers[Math.floor(rng.next() * fillers.length)]!);
      present.forEach((on, k) => on && words.splice(Math.floor(rng.next() * (words.length + 1)), 0, keywords[k]!));
      return { text: words.join(' '), targets: present.map(Number) };
    };
    const train = Array.from({ length: 96 }, makeText);
    const heldOut = Array.from({ length: 24 }, makeText);
    const batch = encode(model, train.map((e) => e.text));
    const targets = tf.tensor2d(train.map((e) => e.targets));
    const wideVariables = ['wide.unigram.weight', 'wide.bigram.weight'].map((n) => model.headVariables.get(n)!);
    const frozen = model.trainableVariables().filter((v) => !wideVariables.includes(v));
    const frozenBefore = frozen.map((v) => v.dataSync().slice());
    // Plain gradient descent moves a feature in proportion to how often it occurs, so the keywords (in 40 % of the
    // texts) outgrow the fillers; Adam's per-feature normalisation lets rare fillers and bigrams memorise the 96
    // texts instead (measured: 19–21 of 72 held-out decisions wrong). The large rate makes up for the 1/√n scale
    // and the loss's mean over 96 × 3 elements, in few steps (each a forward pass through the frozen encoder).
    const optimizer = tf.train.sgd(60);
    const loss = () => tf.losses.sigmoidCrossEntropy(targets, model.apply(batch.ids, batch.mask, { training: true, seed: 9 })) as tf.Scalar;
    const losses: number[] = [];
    let afterFirst = 0;
    for (let step = 0; step < 15; step++) {
      const value = optimizer.minimize(loss, true, wideVariables)!;
      losses.push(value.dataSync()[0]!);
      value.dispose();
      if (step === 0) afterFirst = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(afterFirst);
    expect(losses[0]!).toBeGreaterThan(0.6); // the fresh head's logits are near 0: log 2
    console.log(`wide keyword training: loss ${losses[0]!.toFixed(3)} → ${losses.at(-1)!.toFixed(3)} in ${losses.length} steps`);
    expect(losses.at(-1)!).toBeLessThan(0.25 * losses[0]!);
    frozen.forEach((v, i) => expect(Buffer.compare(Buffer.from(v.dataSync().buffer), Buffer.from(frozenBefore[i]!.buffer))).toBe(0));
    const probabilities = await model.predictProbabilities(heldOut.map((e) => e.text));
    expect(probabilities.map((row) => row.map((p) => Number(p > 0.5)))).toEqual(heldOut.map((e) => e.targets));
    // The keyword rows carry the mapping: each keyword's unigram row is largest at its own label.
    const unigram = wideVariables[0]!.arraySync() as number[][];
    keywords.forEach((word, k) => {
      const row = unigram[TINY_VOCAB.indexOf(word)]!;
      expect(row.indexOf(Math.max(...row))).toBe(k);
    });
    optimizer.dispose();
    tf.dispose([batch.ids, batch.mask, targets]);
    model.dispose();
    unregisterNativeCpuKernels(['UnsortedSegmentSum']);
    // 15 forward passes of 96 texts: seconds alone, up to a minute under jest on a busy 2-core machine.
  }, 180_000);

  it('saves the wide part in config.json and model.safetensors and loads it back bit-identical', async () => {
    const model = await createClassifier(encoderDir, {
      labels: LABELS,
      seed: 5,
      maxLength: 16,
      head: { hiddenDim: 16, wide: { ...WIDE, lrMultiplier: 40 } },
    });
    randomiseHead(model);
    const out = join(root, 'saved');
    await model.save(out);
    const configFile = join(out, 'config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    expect(config.mangaassist_head).toEqual({
      hidden_dim: 16,
      inner_dropout: 0.1,
      max_length: 16,
      pooling: 'cls',
      wide: { buckets: 97, bigrams: true, lr_multiplier: 40 },
    });
    const weightsFile = join(out, 'model.safetensors');
    const { tensors } = readSafetensors(weightsFile);
    expect([tensors.get('wide.unigram.weight')!.dtype, tensors.get('wide.unigram.weight')!.shape]).toEqual(['F32', [TINY_VOCAB.length, 3]]);
    expect([tensors.get('wide.bigram.weight')!.dtype, tensors.get('wide.bigram.weight')!.shape]).toEqual(['F32', [97, 3]]);
    // The encoder's tensors are the Hugging Face ones, unchanged.
    expect([...tensors.keys()].filter((n) => !n.startsWith('distilbert.')).sort()).toEqual(
      ['classifier.bias', 'classifier.weight', 'pre_classifier.bias', 'pre_classifier.weight', 'wide.bigram.weight', 'wide.unigram.weight'],
    );

    const { ids, mask } = encode(model, TEXTS);
    const logits = (m: MultiLabelClassifier) => tf.tidy(() => Array.from(m.apply(ids, mask).dataSync()));
    const loaded = await loadClassifier(out);
    expect(loaded.head).toEqual(model.head);
    expect(loaded.report?.ignored).toEqual([]);
    expect(logits(loaded)).toEqual(logits(model));
    expect([...loaded.learningRateMultipliers().values()]).toEqual([40, 40]);
    loaded.dispose();

    // Without the wide entry the directory loads as the deep model (its tables are then reported as ignored).
    const { wide: _wide, ...deepHead } = config.mangaassist_head;
    writeFileSync(configFile, JSON.stringify({ ...config, mangaassist_head: deepHead }));
    const deep = await loadClassifier(out);
    expect(deep.head.wide).toBeUndefined();
    expect(deep.report?.ignored).toEqual(['wide.bigram.weight', 'wide.unigram.weight']);
    deep.dispose();

    const refuse = async (head: unknown, message: string) => {
      writeFileSync(configFile, JSON.stringify({ ...config, mangaassist_head: head }));
      const error = await rejection(loadClassifier(out));
      expect(isMangaAssistError(error, 'CHECKPOINT_INVALID')).toBe(true);
      expect(error.message).toContain(message);
    };
    await refuse(
      { ...deepHead, wide: { buckets: 0, bigrams: true } },
      `${configFile}: "mangaassist_head.wide" must be {buckets, bigrams, lr_multiplier?}: mangaassist_head.wide.buckets:`,
    );
    await refuse({ ...deepHead, wide: { buckets: 97, bigrams: true, enabled: true } }, 'mangaassist_head.wide: unknown key(s) "enabled"');
    // A bucket count that disagrees with the stored table.
    await refuse({ ...deepHead, wide: { buckets: 96, bigrams: true } }, `${weightsFile}: tensor "wide.bigram.weight" is F32 [97, 3]; the head of 3 labels requires float [96, 3]`);
    // A table missing from the weights.
    writeFileSync(configFile, JSON.stringify(config));
    tensors.delete('wide.unigram.weight');
    writeSafetensors(weightsFile, new Map([...tensors].map(([n, t]) => [n, { shape: t.shape, data: t.data as Float32Array }])), { format: 'pt' });
    const missing = await rejection(loadClassifier(out));
    expect(missing.message).toBe(`${weightsFile}: missing tensor "wide.unigram.weight" [24, 3] of the classification head`);
    tf.dispose([ids, mask]);
    model.dispose();
  });

  it('with bigrams: false has no bigram table, and the configuration\'s head.wide reaches the classifier', async () => {
    const { head } = parseConfig(modelConfigSchema, { head: { hiddenDim: 16, wide: { enabled: true, bigrams: false, lrMultiplier: 20 } } });
    const model = await createClassifier(encoderDir, { labels: LABELS, head });
    expect(model.head).toEqual({ hiddenDim: 16, dropout: 0.2, innerDropout: 0.1, pooling: 'cls', wide: { enabled: true, buckets: 262144, bigrams: false, lrMultiplier: 20 } });
    expect([...model.headVariables.keys()].filter((n) => n.startsWith('wide.'))).toEqual(['wide.unigram.weight']);
    expect([...model.learningRateMultipliers()]).toEqual([[model.headVariables.get('wide.unigram.weight')!.name, 20]]);
    model.dispose();
    await expect(createClassifier(encoderDir, { labels: LABELS, head: { wide: { enabled: true, buckets: 0 } } })).rejects.toThrow(
      /^head\.wide is invalid: head\.wide\.buckets:/,
    );
  });
});
