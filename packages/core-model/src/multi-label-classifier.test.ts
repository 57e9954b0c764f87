import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { isMangaAssistError } from '@mangaassist/common';
import { readSafetensors, writeSafetensors } from '@mangaassist/model-format';
import { useCpuBackend } from './__tests__/tf-setup';
import { writeTinyModel } from './__tests__/tiny-model';
import { createClassifier, loadClassifier } from './classifier-load';
import type { MultiLabelClassifier } from './multi-label-classifier';

const LABELS = ['frustration', 'satisfaction', 'urgency'];
const TEXTS = ['where is my order?', 'never again!', 'love this series', 'volume 14 is late again'];

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function batch(model: MultiLabelClassifier, texts = TEXTS) {
  const encoded = model.tokenizer.encodeBatch(texts, { maxLength: 12 });
  return [tf.tensor2d(encoded.inputIds, undefined, 'int32'), tf.tensor2d(encoded.attentionMask, undefined, 'int32')] as const;
}

describe('MultiLabelClassifier', () => {
  let root: string;
  let encoderDir: string;
  beforeAll(useCpuBackend);
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'classifier-'));
    encoderDir = join(root, 'encoder');
    writeTinyModel(encoderDir, { prefix: 'distilbert.', config: { n_layers: 6, dropout: 0.1, attention_dropout: 0.1 } });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('outputs one logit per label and groups its variables for unfreezing', async () => {
    const model = await createClassifier(encoderDir, { labels: LABELS, seed: 1 });
    const [ids, mask] = batch(model);
    const logits = model.apply(ids, mask);
    expect(logits.shape).toEqual([4, 3]);
    const groups = model.variablesByGroup();
    expect(Object.keys(groups)).toEqual(['embeddings', 'layer_0_1', 'layer_2_3', 'layer_4_5', 'head']);
    expect(groups.layer_2_3!.map((v) => v.name.split('/')[1])).toContain('transformer.layer.3.ffn.lin1.weight');
    expect(groups.head!.map((v) => v.shape)).toEqual([[256, 8], [256], [3, 256], [3]]);
    // Every trainable variable is in exactly one group.
    const all = Object.values(groups).flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(4 + 6 * 16 + 4);
    tf.dispose([ids, mask, logits]);
    model.dispose();
  });

  it('draws the same dropout masks for the same pass seed (head and encoder)', async () => {
    const model = await createClassifier(encoderDir, { labels: LABELS, seed: 1 });
    const [ids, mask] = batch(model);
    const pass = (seed?: number, training = true) =>
      tf.tidy(() => Array.from(model.apply(ids, mask, { training, seed }).dataSync()));
    const seeded = pass(11);
    pass();
    expect(pass(11)).toEqual(seeded);
    expect(pass(12)).not.toEqual(seeded);
    expect(pass(undefined, false)).not.toEqual(seeded);
    tf.dispose([ids, mask]);
    model.dispose();
  });

  it('gives the 4-layer stand-in shape proportionate groups', async () => {
    const dir = join(root, 'four');
    writeTinyModel(dir, { config: { n_layers: 4 } });
    const model = await createClassifier(dir, { labels: LABELS });
    expect(model.groupNames()).toEqual(['embeddings', 'layer_0', 'layer_1_2', 'layer_3', 'head']);
    expect(model.variablesByGroup().layer_1_2).toHaveLength(32);
    model.dispose();
  });

  it('initialises the head from the seed: same seed, same head; other seed, other head', async () => {
    const heads = async (seed: number) => {
      const model = await createClassifier(encoderDir, { labels: LABELS, seed });
      const values = await Promise.all([...model.headVariables.values()].map(async (v) => Array.from(await v.data())));
      model.dispose();
      return values;
    };
    const [a, b, c] = [await heads(7), await heads(7), await heads(8)];
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(c[0]);
    // Hugging Face's initialisation: weights ~ N(0, 0.02), zero biases.
    const std = Math.sqrt(a[0]!.reduce((s, x) => s + x * x, 0) / a[0]!.length);
    expect(std).toBeGreaterThan(0.018);
    expect(std).toBeLessThan(0.022);
    expect(a[1]!.every((x) => x === 0)).toBe(true);
  });

  it('trains only the variables it is given, and the loss falls', async () => {
    const model = await createClassifier(encoderDir, { labels: LABELS, seed: 3 });
    const [ids, mask] = batch(model);
    const targets = tf.tensor2d([[1, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 1]]);
    const frozen = model.variablesByGroup().embeddings![0]!;
    const frozenBefore = Array.from(frozen.dataSync());
    const trained = [...model.variablesByGroup().layer_4_5!, ...model.variablesByGroup().head!];
    const optimizer = tf.train.adam(5e-2);
    // Evaluation mode keeps the loss curve free of dropout noise; dropout itself is covered by the encoder tests.
    const loss = () => tf.losses.sigmoidCrossEntropy(targets, model.apply(ids, mask)) as tf.Scalar;
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    for (let step = 0; step < 15; step++) {
      const value = optimizer.minimize(loss, true, trained)!;
      losses.push(value.dataSync()[0]!);
      value.dispose();
    }
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.7);
    expect(Array.from(frozen.dataSync())).toEqual(frozenBefore);
    // Adam's moment variables are created on the first step; after that nothing may accumulate.
    const afterFirst = before + 2 * trained.length;
    expect(tf.memory().numTensors).toBe(afterFirst);
    optimizer.dispose();
    tf.dispose([ids, mask, targets]);
    model.dispose();
  });

  it('predicts probabilities equal to the sigmoid of the logits, in batches, without leaking tensors', async () => {
    const model = await createClassifier(encoderDir, { labels: LABELS, seed: 2 });
    const before = tf.memory().numTensors;
    const probabilities = await model.predictProbabilities(TEXTS, { batchSize: 3 });
    expect(tf.memory().numTensors).toBe(before);
    const [ids, mask] = batch(model, TEXTS.slice(3));
    const expected = tf.tidy(() => tf.sigmoid(model.apply(ids, mask)).arraySync());
    probabilities[3]!.forEach((p, i) => expect(p).toBeCloseTo(expected[0]![i]!, 6));
    expect(probabilities.flat().every((p) => p > 0 && p < 1)).toBe(true);
    await expect(model.predictProbabilities(TEXTS, { batchSize: 0 })).rejects.toThrow(RangeError);
    tf.dispose([ids, mask]);
    model.dispose();
  });

  it('saves a Hugging Face-style directory that loads back bit-identical', async () => {
    const model = await createClassifier(encoderDir, { labels: LABELS, seed: 4, maxLength: 32, head: { hiddenDim: 16 } });
    // Train a step so that the saved weights differ from any initialisation.
    const [ids, mask] = batch(model);
    const optimizer = tf.train.sgd(0.1);
    optimizer.minimize(() => tf.mean(model.apply(ids, mask)) as tf.Scalar, false, model.trainableVariables());
    const out = join(root, 'saved');
    await model.save(out);

    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      model_type: 'distilbert',
      problem_type: 'multi_label_classification',
      id2label: { 0: 'frustration', 1: 'satisfaction', 2: 'urgency' },
      label2id: { frustration: 0, satisfaction: 1, urgency: 2 },
      n_layers: 6,
      dim: 8,
      mangaassist_head: { hidden_dim: 16, inner_dropout: 0.1, max_length: 32, pooling: 'cls' },
    });
    const saved = readSafetensors(join(out, 'model.safetensors'));
    expect(saved.tensors.get('distilbert.transformer.layer.5.ffn.lin2.bias')!.dtype).toBe('F32');
    expect(saved.tensors.get('classifier.weight')!.shape).toEqual([3, 16]);

    const loaded = await loadClassifier(out);
    expect(loaded.labels).toEqual(LABELS);
    expect(loaded.maxLength).toBe(32);
    expect(loaded.head).toEqual(model.head);
    expect(loaded.report!.ignored).toEqual([]);
    for (const [name, variable] of model.namedVariables()) {
      expect(Array.from(loaded.namedVariables().get(name)!.dataSync())).toEqual(Array.from(variable.dataSync()));
    }
    const a = tf.tidy(() => Array.from(model.apply(ids, mask).dataSync()));
    const b = tf.tidy(() => Array.from(loaded.apply(ids, mask).dataSync()));
    expect(b).toEqual(a);
    expect(loaded.tokenizer.encode('never again!').ids).toEqual(model.tokenizer.encode('never again!').ids);
    optimizer.dispose();
    tf.dispose([ids, mask]);
    model.dispose();
    loaded.dispose();
  });

  it('refuses a saved directory whose config or head is wrong, naming the file and field or tensor', async () => {
    const model = await createClassifier(encoderDir, { labels: LABELS });
    const out = join(root, 'saved');
    await model.save(out);
    model.dispose();
    const configFile = join(out, 'config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8'));

    writeFileSync(configFile, JSON.stringify({ ...config, problem_type: 'single_label_classification' }));
    let error = await rejection(loadClassifier(out));
    expect(isMangaAssistError(error, 'CHECKPOINT_INVALID')).toBe(true);
    expect(error.message).toBe(`${configFile}: problem_type is "single_label_classification"; allowed: "multi_label_classification"`);

    writeFileSync(configFile, JSON.stringify({ ...config, id2label: { 0: 'a', 2: 'b' } }));
    error = await rejection(loadClassifier(out));
    expect(error.message).toContain('id2label must map "0".."1" to names; "1" is undefined');

    writeFileSync(configFile, JSON.stringify(config));
    const weightsFile = join(out, 'model.safetensors');
    const tensors = readSafetensors(weightsFile).tensors;
    tensors.delete('classifier.bias');
    writeSafetensors(weightsFile, new Map([...tensors].map(([n, t]) => [n, { shape: t.shape, data: t.data as Float32Array }])));
    error = await rejection(loadClassifier(out));
    expect(error.message).toBe(`${weightsFile}: missing tensor "classifier.bias" [3] of the classification head`);
  });

  it('rejects bad labels naming the problem', async () => {
    await expect(createClassifier(encoderDir, { labels: [] })).rejects.toThrow('labels must be a non-empty array');
    await expect(createClassifier(encoderDir, { labels: ['a', 'a'] })).rejects.toThrow('"a" appears twice');
  });
});
