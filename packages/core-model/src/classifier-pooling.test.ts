import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { isMangaAssistError, modelConfigSchema, parseConfig, RECOMMENDED_WIDE_HEAD } from '@mangaassist/common';
import { useCpuBackend } from './__tests__/tf-setup';
import { writeTinyModel } from './__tests__/tiny-model';
import { poolHiddenStates } from './classifier-head';
import { createClassifier, loadClassifier } from './classifier-load';
import { linear } from './layers';
import type { MultiLabelClassifier } from './multi-label-classifier';
import { SeededRandom } from './prng';
import { maxAbsDiff } from './__tests__/max-abs-diff';

const LABELS = ['frustration', 'satisfaction', 'urgency'];
// Different lengths, so that every batch but the longest row carries padding.
const TEXTS = ['where is my order?', 'never again!', 'love this series', 'volume 14 is late again, unbelievable!'];

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
    lengths: encoded.attentionMask.map((row) => row.reduce((a, b) => a + b, 0)),
  };
}

/** Replaces the head's N(0, 0.02) initialisation by larger weights, so logits (and gradients) vary between texts. */
function widenHead(model: MultiLabelClassifier, seed = 5): void {
  const rng = new SeededRandom(seed);
  for (const v of model.headVariables.values()) v.assign(tf.tensor(rng.normalArray(v.size, 0.5), v.shape));
}

/** The head on a given pooled `[batch, dim]` vector (evaluation mode), as `MultiLabelClassifier.apply` computes it. */
function headOn(model: MultiLabelClassifier, pooled: tf.Tensor2D): tf.Tensor2D {
  const v = (name: string) => model.headVariables.get(name)!;
  const hidden = tf.relu(linear(pooled, v('pre_classifier.weight') as tf.Tensor2D, v('pre_classifier.bias') as tf.Tensor1D));
  return linear(hidden, v('classifier.weight') as tf.Tensor2D, v('classifier.bias') as tf.Tensor1D);
}

describe('poolHiddenStates', () => {
  beforeAll(useCpuBackend);

  // Two texts of 3 and 1 real tokens padded to 4; padded rows hold 1000 so that counting them would show.
  const hidden = () =>
    tf.tensor3d([
      [[1, 2], [3, 4], [5, 9], [1000, 1000]],
      [[7, -1], [1000, 1000], [1000, 1000], [1000, 1000]],
    ]);
  const mask = () => tf.tensor2d([[1, 1, 1, 0], [1, 0, 0, 0]], undefined, 'int32');

  it('cls takes position 0; mean averages only the positions whose mask is 1', () => {
    tf.tidy(() => {
      expect(poolHiddenStates(hidden(), mask(), 'cls').arraySync()).toEqual([[1, 2], [7, -1]]);
      expect(poolHiddenStates(hidden(), mask(), 'mean').arraySync()).toEqual([[3, 5], [7, -1]]);
    });
  });

  it('gives zeros, not NaN, for a row without any real token (count clamped to 1), and accepts a float mask', () => {
    tf.tidy(() => {
      const empty = tf.tensor2d([[1, 1, 1, 0], [0, 0, 0, 0]]);
      expect(poolHiddenStates(hidden(), empty, 'mean').arraySync()).toEqual([[3, 5], [0, 0]]);
    });
  });

  it('passes the gradient to the real positions only: ∂ mean / ∂ hidden = mask / count', () => {
    tf.tidy(() => {
      const m = mask();
      const grad = tf.grad((h: tf.Tensor) => tf.sum(poolHiddenStates(h as tf.Tensor3D, m, 'mean')))(hidden());
      const third = Math.fround(1 / 3);
      expect(grad.arraySync()).toEqual([
        [[third, third], [third, third], [third, third], [0, 0]],
        [[1, 1], [0, 0], [0, 0], [0, 0]],
      ]);
    });
  });
});

describe("MultiLabelClassifier with head.pooling 'mean'", () => {
  let root: string;
  let encoderDir: string;
  beforeAll(useCpuBackend);
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'pooling-'));
    encoderDir = join(root, 'encoder');
    writeTinyModel(encoderDir, { prefix: 'distilbert.', config: { n_layers: 2, dropout: 0.1, attention_dropout: 0.1 } });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("defaults to 'cls' and computes exactly the head on the [CLS] vector, as before pooling was a choice", async () => {
    const model = await createClassifier(encoderDir, { labels: LABELS, seed: 1, head: { hiddenDim: 16 } });
    expect(model.head.pooling).toBe('cls');
    widenHead(model);
    const { ids, mask } = encode(model, TEXTS);
    const [actual, expected] = tf.tidy(() => {
      const hidden = model.encoder.apply(ids, mask);
      const [batch, , dim] = hidden.shape;
      const cls = tf.reshape(tf.slice(hidden, [0, 0, 0], [batch, 1, dim]), [batch, dim]) as tf.Tensor2D;
      return [Array.from(model.apply(ids, mask).dataSync()), Array.from(headOn(model, cls).dataSync())];
    });
    expect(actual).toEqual(expected);
    tf.dispose([ids, mask]);
    model.dispose();
  });

  it('averages the real tokens: a text has the same logits alone and padded in a batch, unlike a mean that counted padding', async () => {
    const model = await createClassifier(encoderDir, { labels: LABELS, seed: 2, head: { hiddenDim: 16, pooling: 'mean' } });
    widenHead(model);
    const batch = encode(model, TEXTS);
    expect(new Set(batch.lengths).size).toBeGreaterThan(1);
    const batched = tf.tidy(() => Array.from(model.apply(batch.ids, batch.mask).dataSync()));
    for (let i = 0; i < TEXTS.length; i++) {
      const alone = encode(model, [TEXTS[i]!]);
      expect(alone.lengths[0]).toBe(batch.lengths[i]);
      const logits = tf.tidy(() => Array.from(model.apply(alone.ids, alone.mask).dataSync()));
      expect(maxAbsDiff(logits, batched.slice(i * LABELS.length, (i + 1) * LABELS.length))).toBeLessThan(1e-5);
      tf.dispose([alone.ids, alone.mask]);
    }
    // The same head on the mean over every position, padding included, lands elsewhere for the padded texts.
    const withPadding = tf.tidy(() => Array.from(headOn(model, tf.mean(model.encoder.apply(batch.ids, batch.mask), 1) as tf.Tensor2D).dataSync()));
    const longest = Math.max(...batch.lengths);
    batch.lengths.forEach((length, i) => {
      const diff = maxAbsDiff(withPadding.slice(i * 3, i * 3 + 3), batched.slice(i * 3, i * 3 + 3));
      if (length < longest) expect(diff).toBeGreaterThan(1e-2);
      else expect(diff).toBeLessThan(1e-5);
    });
    tf.dispose([batch.ids, batch.mask]);
    model.dispose();
  });

  it('differentiates through the mean into the encoder: tf.variableGrads agrees with finite differences', async () => {
    const model = await createClassifier(encoderDir, { labels: LABELS, seed: 3, head: { hiddenDim: 16, pooling: 'mean' } });
    widenHead(model);
    const { ids, mask } = encode(model, TEXTS);
    const targets = tf.tensor2d([[1, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 1]]);
    const lossOf = () => tf.losses.sigmoidCrossEntropy(targets, model.apply(ids, mask)) as tf.Scalar;
    const { value, grads } = tf.variableGrads(lossOf, model.trainableVariables());
    value.dispose();
    for (const [name, grad] of Object.entries(grads)) {
      const values = grad.dataSync();
      expect({ name, finite: values.every(Number.isFinite) }).toEqual({ name, finite: true });
    }
    // Deep in the encoder (first layer's value projection and feed-forward), right under the pooling (last
    // LayerNorm's bias) and at the bottom (the [CLS] embedding): each at its largest gradient entry.
    const probes = [
      'transformer.layer.0.attention.v_lin.weight',
      'transformer.layer.0.ffn.lin1.weight',
      'transformer.layer.1.output_layer_norm.bias',
      'embeddings.word_embeddings.weight',
    ].map((name) => {
      const variable = model.encoder.variables.get(name)!;
      const g = Array.from(grads[variable.name]!.dataSync(), Math.abs);
      return { variable, index: g.indexOf(Math.max(...g)) };
    });
    // Central differences in float32: h = 1e-2 keeps rounding noise near 1e-5; measured agreement 0.001–1 %.
    const h = 1e-2;
    for (const { variable, index } of probes) {
      const analytic = grads[variable.name]!.dataSync()[index]!;
      const original = variable.dataSync().slice();
      const lossWith = (delta: number) => {
        const perturbed = original.slice();
        perturbed[index] = perturbed[index]! + delta;
        variable.assign(tf.tensor(perturbed, variable.shape));
        return tf.tidy(() => lossOf().dataSync()[0]!);
      };
      const numeric = (lossWith(h) - lossWith(-h)) / (2 * h);
      variable.assign(tf.tensor(original, variable.shape));
      expect(Math.abs(analytic)).toBeGreaterThan(1e-4);
      expect({ name: variable.name, error: Math.abs(numeric - analytic) < 0.03 * Math.abs(analytic) + 1e-5 }).toEqual({
        name: variable.name,
        error: true,
      });
    }
    tf.dispose(Object.values(grads));
    tf.dispose([ids, mask, targets]);
    model.dispose();
  });

  it('trains: the loss falls and nothing leaks', async () => {
    const model = await createClassifier(encoderDir, { labels: LABELS, seed: 4, head: { hiddenDim: 16, pooling: 'mean' } });
    const { ids, mask } = encode(model, TEXTS);
    const targets = tf.tensor2d([[1, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 1]]);
    const optimizer = tf.train.adam(5e-2);
    const loss = () => tf.losses.sigmoidCrossEntropy(targets, model.apply(ids, mask, { training: true, seed: 9 })) as tf.Scalar;
    const losses: number[] = [];
    let afterFirst = 0;
    for (let step = 0; step < 12; step++) {
      const value = optimizer.minimize(loss, true, model.trainableVariables())!;
      losses.push(value.dataSync()[0]!);
      value.dispose();
      if (step === 0) afterFirst = tf.memory().numTensors;
    }
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.7);
    expect(tf.memory().numTensors).toBe(afterFirst);
    optimizer.dispose();
    tf.dispose([ids, mask, targets]);
    model.dispose();
  });

  it('saves pooling in config.json and loads it back bit-identical; a directory without it loads as cls', async () => {
    const model = await createClassifier(encoderDir, { labels: LABELS, seed: 5, maxLength: 16, head: { hiddenDim: 16, pooling: 'mean' } });
    widenHead(model);
    const out = join(root, 'saved');
    await model.save(out);
    const configFile = join(out, 'config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    expect(config.mangaassist_head).toEqual({ hidden_dim: 16, inner_dropout: 0.1, max_length: 16, pooling: 'mean' });

    const { ids, mask } = encode(model, TEXTS);
    const logits = (m: MultiLabelClassifier) => tf.tidy(() => Array.from(m.apply(ids, mask).dataSync()));
    const loaded = await loadClassifier(out);
    expect(loaded.head).toEqual(model.head);
    expect(logits(loaded)).toEqual(logits(model));
    loaded.dispose();

    // A model saved before pooling was a choice: no field, [CLS] pooling.
    const { pooling: _pooling, ...oldHead } = config.mangaassist_head;
    writeFileSync(configFile, JSON.stringify({ ...config, mangaassist_head: oldHead }));
    const old = await loadClassifier(out);
    expect(old.head.pooling).toBe('cls');
    const cls = tf.tidy(() => {
      const hidden = model.encoder.apply(ids, mask);
      const [batch, , dim] = hidden.shape;
      return Array.from(headOn(model, tf.reshape(tf.slice(hidden, [0, 0, 0], [batch, 1, dim]), [batch, dim]) as tf.Tensor2D).dataSync());
    });
    expect(logits(old)).toEqual(cls);
    old.dispose();

    writeFileSync(configFile, JSON.stringify({ ...config, mangaassist_head: { ...oldHead, pooling: 'max' } }));
    const error = await rejection(loadClassifier(out));
    expect(isMangaAssistError(error, 'CHECKPOINT_INVALID')).toBe(true);
    expect(error.message).toContain(`${configFile}: "mangaassist_head" must be {hidden_dim, inner_dropout, max_length, pooling?}: mangaassist_head.pooling:`);
    expect(error.message).toContain('(allowed: "cls", "mean")');
    tf.dispose([ids, mask]);
    model.dispose();
  });

  it('takes model.head from the configuration (default cls) and refuses an unknown pooling naming the allowed ones', async () => {
    expect(parseConfig(modelConfigSchema, {}).head.pooling).toBe('cls');
    expect(parseConfig(modelConfigSchema, { head: { hiddenDim: 16 } }).head.pooling).toBe('cls');
    const { head } = parseConfig(modelConfigSchema, { head: { hiddenDim: 16, pooling: 'mean' } });
    const model = await createClassifier(encoderDir, { labels: LABELS, head });
    expect(model.head).toEqual({ hiddenDim: 16, dropout: 0.2, innerDropout: 0.1, pooling: 'mean', wide: RECOMMENDED_WIDE_HEAD });
    model.dispose();
    expect(() => parseConfig(modelConfigSchema, { head: { pooling: 'max' } }, 'train.yaml')).toThrow(
      /train\.yaml is invalid \(1 problem\):\n {2}- head\.pooling: .*\(allowed: "cls", "mean"\)/,
    );
    await expect(createClassifier(encoderDir, { labels: LABELS, head: { pooling: 'max' as 'mean' } })).rejects.toThrow(
      'head.pooling must be one of cls, mean; got "max"',
    );
  });
});
