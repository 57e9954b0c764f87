import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { readSafetensors } from '@mangaassist/model-format';
import { useCpuBackend } from './__tests__/tf-setup';
import { writeTinyModel } from './__tests__/tiny-model';
import { createClassifier } from './classifier-load';
import type { DistilBertMaskedLm, MaskedLmInputs } from './masked-lm';
import { loadMaskedLm } from './masked-lm-load';
import { fromPretrained } from './pretrained';
import { maxAbsDiff } from './__tests__/max-abs-diff';

const FIXTURE = join(__dirname, '__fixtures__', 'tiny-mlm');

interface Reference {
  input_ids: number[][];
  attention_mask: number[][];
  positions: [number, number][];
  labels: number[];
  loss: number;
  logits_at_positions: number[][];
  grad: Record<string, number[]>;
}

const reference = JSON.parse(readFileSync(join(FIXTURE, 'reference.json'), 'utf8')) as Reference;

function referenceInputs(): MaskedLmInputs {
  const length = reference.input_ids[0]!.length;
  return {
    inputIds: tf.tensor2d(reference.input_ids, undefined, 'int32'),
    attentionMask: tf.tensor2d(reference.attention_mask, undefined, 'int32'),
    positions: tf.tensor1d(reference.positions.map(([r, c]) => r * length + c), 'int32'),
    labels: tf.tensor1d(reference.labels, 'int32'),
  };
}

function disposeInputs(inputs: MaskedLmInputs): void {
  tf.dispose([inputs.inputIds, inputs.attentionMask, inputs.positions, inputs.labels]);
}

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('DistilBertMaskedLm', () => {
  let root: string;
  let model: DistilBertMaskedLm;
  beforeAll(useCpuBackend);
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'masked-lm-'));
    model = await loadMaskedLm(FIXTURE);
  });
  afterEach(() => {
    model.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('computes the loss and logits of plain PyTorch on the same weights (fixture from tools/fixtures/tiny_mlm_reference.py)', async () => {
    expect(model.report?.head).toBe('loaded');
    const inputs = referenceInputs();
    const before = tf.memory().numTensors;
    const logits = model.logits(inputs.inputIds, inputs.attentionMask, inputs.positions);
    const loss = model.loss(inputs);
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(logits.shape).toEqual([5, 24]);
    expect(maxAbsDiff((await logits.data()) as Float32Array, reference.logits_at_positions.flat())).toBeLessThan(2e-5);
    // PyTorch computed the loss over every position with -100 ignored; ours sees only the masked ones.
    expect(Math.abs((await loss.data())[0]! - reference.loss)).toBeLessThan(1e-5);
    tf.dispose([logits, loss]);
    disposeInputs(inputs);
  });

  it('has the gradients of PyTorch, the tied table getting both the input and the projector paths', async () => {
    const inputs = referenceInputs();
    const variables = model.namedVariables();
    const names = Object.keys(reference.grad);
    const { value, grads } = tf.variableGrads(() => model.loss(inputs), names.map((n) => variables.get(n)!));
    for (const name of names) {
      const grad = (await grads[variables.get(name)!.name]!.data()) as Float32Array;
      const scale = Math.max(...reference.grad[name]!.map(Math.abs));
      expect({ name, relativeError: maxAbsDiff(grad, reference.grad[name]!) / scale < 1e-4 }).toEqual({ name, relativeError: true });
    }
    tf.dispose([value, ...Object.values(grads)]);
    disposeInputs(inputs);
  });

  it('has the gradient of finite differences with respect to the head and the tied table', async () => {
    const inputs = referenceInputs();
    const lossAt = () => tf.tidy(() => model.loss(inputs).dataSync()[0]!);
    const variables = model.namedVariables();
    const checked = ['vocab_transform.weight', 'vocab_transform.bias', 'vocab_layer_norm.weight', 'vocab_layer_norm.bias', 'vocab_projector.bias', 'distilbert.embeddings.word_embeddings.weight'];
    const { value, grads } = tf.variableGrads(() => model.loss(inputs), checked.map((n) => variables.get(n)!));
    const step = 1e-2;
    for (const name of checked) {
      const variable = variables.get(name)!;
      const analytic = (await grads[variable.name]!.data()) as Float32Array;
      const original = (await variable.data()) as Float32Array;
      // A few entries each, spread over the tensor: the word table's rows of a label, of a masked input and of neither.
      const indices = [0, Math.floor(variable.size / 3), Math.floor((2 * variable.size) / 3), variable.size - 1];
      if (name.includes('word_embeddings')) indices.push(reference.labels[0]! * 8 + 3, 4 * 8 + 1);
      for (const i of indices) {
        const shifted = (delta: number) => {
          const data = original.slice();
          data[i]! += delta;
          variable.assign(tf.tensor(data, variable.shape));
          return lossAt();
        };
        const numeric = (shifted(step) - shifted(-step)) / (2 * step);
        expect({ name, i, diff: Math.abs(numeric - analytic[i]!) < 2e-3 + 2e-2 * Math.abs(numeric) }).toEqual({ name, i, diff: true });
      }
      variable.assign(tf.tensor(original, variable.shape));
    }
    tf.dispose([value, ...Object.values(grads)]);
    disposeInputs(inputs);
  });

  it('saves every tensor but the tied projector, and loads back identical, still tied', async () => {
    const out = join(root, 'saved');
    await model.save(out);
    const saved = readSafetensors(join(out, 'model.safetensors')).tensors;
    const original = readSafetensors(join(FIXTURE, 'model.safetensors')).tensors;
    expect([...saved.keys()].sort()).toEqual([...original.keys()].sort());
    expect(saved.has('vocab_projector.weight')).toBe(false);
    for (const [name, tensor] of original) expect({ name, same: Buffer.from((saved.get(name)!.data as Float32Array).buffer).equals(Buffer.from((tensor.data as Float32Array).buffer)) }).toEqual({ name, same: true });
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ architectures: ['DistilBertForMaskedLM'], tie_word_embeddings: true, model_type: 'distilbert', dim: 8, vocab_size: 24 });
    expect(existsSync(join(out, 'tokenizer.json'))).toBe(true);

    const reloaded = await loadMaskedLm(out);
    try {
      expect(reloaded.head.wordEmbeddings).toBe(reloaded.encoder.variables.get('embeddings.word_embeddings.weight'));
      const inputs = referenceInputs();
      const loss = reloaded.loss(inputs);
      expect(Math.abs((await loss.data())[0]! - reference.loss)).toBeLessThan(1e-5);
      // The tie: changing the embedding table changes the projector.
      const table = reloaded.encoder.variables.get('embeddings.word_embeddings.weight')!;
      const before = tf.tidy(() => reloaded.head.apply(tf.ones([1, 8])).dataSync()[5]!);
      tf.tidy(() => table.assign(tf.mul(table, 2)));
      const after = tf.tidy(() => reloaded.head.apply(tf.ones([1, 8])).dataSync()[5]!);
      expect(after).not.toBeCloseTo(before, 3);
      tf.dispose(loss);
      disposeInputs(inputs);
    } finally {
      reloaded.dispose();
    }
  });

  it('writes a directory that the encoder loader and the classifier of `train` accept unchanged', async () => {
    const out = join(root, 'saved');
    await model.save(out);
    const pretrained = await fromPretrained(out);
    expect(pretrained.report.prefix).toBe('distilbert.');
    expect([...pretrained.report.ignored].sort()).toEqual(['vocab_layer_norm.bias', 'vocab_layer_norm.weight', 'vocab_projector.bias', 'vocab_transform.bias', 'vocab_transform.weight']);
    pretrained.encoder.dispose();
    const classifier = await createClassifier(out, { labels: ['frustration', 'neutral'], head: { hiddenDim: 4 } });
    expect(classifier.encoder.config.dim).toBe(8);
    classifier.dispose();
  });

  it('gives a checkpoint without a head a new one, and continues from its own save', async () => {
    writeTinyModel(join(root, 'bare'), { prefix: 'distilbert.' });
    const bare = await loadMaskedLm(join(root, 'bare'), { seed: 3 });
    try {
      expect(bare.report?.head).toBe('initialized');
      expect(bare.report?.ignored).toEqual([]);
      const transform = (await bare.head.variables.get('vocab_transform.weight')!.data()) as Float32Array;
      expect(Math.max(...transform.map(Math.abs))).toBeGreaterThan(0);
      expect([...((await bare.head.variables.get('vocab_projector.bias')!.data()) as Float32Array)].every((x) => x === 0)).toBe(true);
      await bare.save(join(root, 'bare-mlm'));
      const again = await loadMaskedLm(join(root, 'bare-mlm'));
      expect(again.report?.head).toBe('loaded');
      expect(await again.head.variables.get('vocab_transform.weight')!.data()).toEqual(transform);
      again.dispose();
    } finally {
      bare.dispose();
    }
  });

  it('refuses an untied projector and a partial head, naming the file and the field or tensor', async () => {
    writeTinyModel(join(root, 'partial'), { prefix: 'distilbert.', extra: { 'vocab_transform.weight': { shape: [8, 8], data: new Float32Array(64) } } });
    const partial = await rejection(loadMaskedLm(join(root, 'partial')));
    expect(partial.code).toBe('CHECKPOINT_INVALID');
    expect(partial.message).toMatch(/model\.safetensors: has part of a masked-LM head; missing "vocab_transform\.bias" \[8\]/);
    const config = JSON.parse(readFileSync(join(root, 'partial', 'config.json'), 'utf8'));
    writeFileSync(join(root, 'partial', 'config.json'), JSON.stringify({ ...config, tie_word_embeddings: false }));
    const untied = await rejection(loadMaskedLm(join(root, 'partial')));
    expect(untied.message).toMatch(/config\.json: tie_word_embeddings is false; .*allowed: true/);
  });

  it('trains every variable once: the embedding table is the projector', () => {
    const variables = model.trainableVariables();
    expect(new Set(variables).size).toBe(variables.length);
    expect(variables.length).toBe(model.encoder.specs.length + 5);
    expect(model.maskingOptions()).toMatchObject({ maskId: 4, vocabSize: 24, probability: 0.15, maskFraction: 0.8, randomFraction: 0.1 });
    expect([...model.maskingOptions().specialIds].sort()).toEqual([0, 1, 2, 3, 4]);
  });
});
