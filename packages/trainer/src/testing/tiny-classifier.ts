import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { MangaAssistError } from '@mangaassist/common';
import { readSafetensors, writeSafetensors } from '@mangaassist/model-format';
import type { ApplyOptions, TrainableClassifier } from '../classifier';
import { mixSeed, mulberry32 } from '../rng';

/** Shape of a {@link createTinyClassifier} model. */
export interface TinyClassifierOptions {
  readonly labels: readonly string[];
  readonly vocabSize: number;
  /** Width of the embeddings and hidden layers. */
  readonly dim: number;
  /** Initialisation seed: the same seed gives the same weights. */
  readonly seed: number;
  /** Dropout before the head while training (0 disables it). */
  readonly dropout?: number;
}

let instances = 0;

/** The tiny model's groups, first to last: DistilBERT-base's names, as it stands in for a 6-layer encoder. */
const TINY_GROUPS = ['embeddings', 'layer_0_1', 'layer_2_3', 'layer_4_5', 'head'] as const;
type TinyGroup = (typeof TINY_GROUPS)[number];

/**
 * A tiny classifier with the five layer groups of the 6-layer DistilBERT classifier, in the same order and under the
 * same names — embeddings, three residual tanh layers standing in for `layer_0_1`, `layer_2_3`, `layer_4_5`, and a
 * linear head over the masked mean — for tests
 * and smoke runs of the trainer where a real encoder would be too slow.
 *
 * @example
 * ```ts
 * const model = createTinyClassifier({ labels: ['a', 'b'], vocabSize: 50, dim: 8, seed: 1 });
 * const logits = model.apply(ids, mask, { training: false }); // [batch, 2]
 * model.dispose();
 * ```
 */
export function createTinyClassifier(options: TinyClassifierOptions): TrainableClassifier {
  const { labels, vocabSize, dim, seed, dropout = 0 } = options;
  if (labels.length === 0) throw new RangeError('labels must not be empty');
  if (!Number.isSafeInteger(vocabSize) || vocabSize < 1) throw new RangeError(`vocabSize must be a positive integer, got ${vocabSize}`);
  if (!Number.isSafeInteger(dim) || dim < 1) throw new RangeError(`dim must be a positive integer, got ${dim}`);
  if (!(dropout >= 0 && dropout < 1)) throw new RangeError(`dropout must be in [0, 1), got ${dropout}`);
  const random = gaussian(mixSeed(seed, 0x7171));
  const prefix = `tiny${instances++}`;
  // tidy releases the initial values; the variables themselves outlive it.
  const init = (name: string, shape: number[], scale: number) =>
    tf.tidy(() => {
      const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random() * scale);
      return tf.variable(tf.tensor(values, shape), true, `${prefix}/${name}`);
    });
  const zeros = (name: string, shape: number[]) => tf.tidy(() => tf.variable(tf.zeros(shape), true, `${prefix}/${name}`));
  const layer = (group: TinyGroup) => [init(`${group}/kernel`, [dim, dim], 1 / Math.sqrt(dim)), zeros(`${group}/bias`, [dim])];
  const groups: Record<TinyGroup, tf.Variable[]> = {
    embeddings: [init('embeddings/word', [vocabSize, dim], 1)],
    layer_0_1: layer('layer_0_1'),
    layer_2_3: layer('layer_2_3'),
    layer_4_5: layer('layer_4_5'),
    head: [init('head/kernel', [dim, labels.length], 1 / Math.sqrt(dim)), zeros('head/bias', [labels.length])],
  };
  const config = { model_type: 'tiny-classifier', labels: [...labels], vocab_size: vocabSize, dim, dropout };
  return {
    labels: [...labels],
    apply(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, { training, seed: passSeed }: ApplyOptions): tf.Tensor2D {
      return tf.tidy(() => {
        const mask = tf.cast(attentionMask, 'float32');
        const embedded = tf.gather(groups.embeddings[0]!, tf.cast(inputIds, 'int32'));
        const summed = tf.sum(tf.mul(embedded, tf.expandDims(mask, 2)), 1);
        let hidden: tf.Tensor2D = tf.div(summed, tf.maximum(tf.sum(mask, 1, true), 1));
        for (const group of ['layer_0_1', 'layer_2_3', 'layer_4_5'] as const) {
          const [kernel, bias] = groups[group];
          hidden = tf.add(hidden, tf.tanh(tf.add(tf.matMul(hidden, kernel!), bias!)));
        }
        if (training && dropout > 0) hidden = tf.dropout(hidden, dropout, undefined, passSeed) as tf.Tensor2D;
        return tf.add(tf.matMul(hidden, groups.head[0]!), groups.head[1]!);
      });
    },
    variablesByGroup: () => groups,
    async save(dir: string) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
      const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
      for (const group of TINY_GROUPS) {
        // Read asynchronously: the tests also train this model on the WebGPU backend, which cannot read synchronously.
        for (const [i, v] of groups[group].entries()) tensors.set(`${group}.${i}`, { shape: v.shape, data: (await v.data()) as Float32Array });
      }
      writeSafetensors(join(dir, 'model.safetensors'), tensors, { format: 'pt' });
    },
    dispose() {
      for (const group of TINY_GROUPS) groups[group].forEach((v) => v.dispose());
    },
  };
}

/**
 * Loads a model written by the tiny classifier's `save`.
 *
 * @throws MangaAssistError `CHECKPOINT_INVALID` when the folder does not hold a tiny classifier
 *
 * @example
 * ```ts
 * const model = loadTinyClassifier('runs/smoke/best-model');
 * ```
 */
export function loadTinyClassifier(dir: string): TrainableClassifier {
  const configPath = join(dir, 'config.json');
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as {
    model_type?: string;
    labels: string[];
    vocab_size: number;
    dim: number;
    dropout: number;
  };
  if (config.model_type !== 'tiny-classifier') {
    throw new MangaAssistError('CHECKPOINT_INVALID', `${configPath}: model_type ${JSON.stringify(config.model_type)} is not "tiny-classifier"`, {
      file: configPath,
    });
  }
  const model = createTinyClassifier({ labels: config.labels, vocabSize: config.vocab_size, dim: config.dim, seed: 0, dropout: config.dropout });
  const { tensors } = readSafetensors(join(dir, 'model.safetensors'));
  const groups = model.variablesByGroup();
  for (const group of TINY_GROUPS) {
    groups[group]!.forEach((v, i) => {
      const saved = tensors.get(`${group}.${i}`);
      if (!saved || !(saved.data instanceof Float32Array) || saved.data.length !== v.size) {
        throw new MangaAssistError('CHECKPOINT_INVALID', `${dir}/model.safetensors: tensor "${group}.${i}" is missing or has the wrong size`, {
          file: join(dir, 'model.safetensors'),
        });
      }
      const data = saved.data;
      tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
    });
  }
  return model;
}

/** Standard normal draws (Box–Muller) from a seeded uniform stream. */
function gaussian(seed: number): () => number {
  const uniform = mulberry32(seed);
  return () => {
    const u = Math.max(uniform(), Number.EPSILON);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}
