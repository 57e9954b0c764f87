// Test helpers: a learnable toy dataset and a binary cross-entropy loss standing in for the loss plugins.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { writeSafetensors } from '@mangaassist/model-format';
import { distilBertWeightSpecs, initDistilBertWeights, tinyDistilBertConfig } from '@mangaassist/core-model';
import type { EncodedExample } from '../batching';
import type { TrainingLoss } from '../classifier';
import { mulberry32 } from '../rng';

export const LABELS = ['alpha', 'beta', 'gamma', 'never'] as const;
export const VOCAB = 40;

/** A label is on when its trigger token (5, 6, 7) occurs; `never` is never on (like urgency in GoEmotions). */
export function toyExamples(n: number, seed: number): EncodedExample[] {
  const random = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const length = 3 + Math.floor(random() * 6);
    const ids = [1];
    for (let t = 1; t < length - 1; t++) ids.push(8 + Math.floor(random() * (VOCAB - 8)));
    const targets = [0, 0, 0, 0];
    for (let j = 0; j < 3; j++) {
      if (random() < 0.35) {
        ids.splice(1 + Math.floor(random() * (ids.length - 1)), 0, 5 + j);
        targets[j] = 1;
      }
    }
    ids.push(2);
    return { inputIds: Int32Array.from(ids), targets: Float32Array.from(targets) };
  });
}

/** Mean binary cross-entropy with logits; with `learnableBias` it owns a per-label bias (like uncertainty weights). */
export function bceLoss(options: { learnableBias?: boolean; labels?: number } = {}): TrainingLoss & { bias?: tf.Variable } {
  const bias = options.learnableBias ? tf.tidy(() => tf.variable(tf.zeros([options.labels ?? LABELS.length]), true, `bce-bias-${counter++}`)) : undefined;
  return {
    bias,
    compute(logits, targets) {
      return tf.tidy(() => {
        const x = bias ? tf.add(logits, bias) : logits;
        const perCell = tf.add(tf.sub(tf.relu(x), tf.mul(x, targets)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
        return tf.mean(perCell) as tf.Scalar;
      });
    },
    trainableVariables: () => (bias ? [bias] : []),
    dispose: () => bias?.dispose(),
  };
}
let counter = 0;

export async function useCpuBackend(): Promise<void> {
  // IS_TEST silences tfjs's one-time "install the node backend" console advice.
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
  await tf.ready();
}

/**
 * Writes a random DistilBERT encoder of `layers` layers (width 8) over `words` as a Hugging Face directory that
 * core-model's `createClassifier` reads; returns its vocabulary (special tokens first, then `words`).
 */
export function writeTinyDistilBert(dir: string, { words, layers, seed = 3 }: { words: readonly string[]; layers: number; seed?: number }): string[] {
  mkdirSync(dir, { recursive: true });
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...words];
  const config = tinyDistilBertConfig({ vocab_size: vocab.length, dim: 8, n_heads: 2, hidden_dim: 16, n_layers: layers, max_position_embeddings: 16 });
  const weights = initDistilBertWeights(config, seed);
  writeSafetensors(
    join(dir, 'model.safetensors'),
    Object.fromEntries(distilBertWeightSpecs(config).map((s) => [s.name, { shape: s.shape, data: weights.get(s.name)! }])),
    { format: 'pt' },
  );
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, architectures: ['DistilBertModel'] }));
  writeFileSync(join(dir, 'vocab.txt'), `${vocab.join('\n')}\n`);
  return vocab;
}
