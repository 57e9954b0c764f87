import {
  NGRAM_ENSEMBLE_BIAS_TENSOR,
  NGRAM_ENSEMBLE_BIGRAM_TENSOR,
  NGRAM_ENSEMBLE_PROBABILITY_EPSILON,
  NGRAM_ENSEMBLE_UNIGRAM_TENSOR,
} from '@mangaassist/common';
import type { OnnxGraphBuilder } from '../onnx-graph-builder';
import type { WeightSource } from '../weight-source';
import { wideLogitsGraph, type NgramTableNames } from './wide';

/**
 * The n-gram ensemble as the graph needs it (`config.json` → `mangaassist_head.ngram_ensemble`, written by
 * `core-model`): the n-gram model's share `weight` of the served probability and its bigram buckets. Its tensors are
 * `ngram_ensemble.unigram.weight` `[vocab, labels]`, `ngram_ensemble.bigram.weight` `[buckets, labels]` and
 * `ngram_ensemble.bias` `[labels]` of `model.safetensors`, kept float32 in every graph.
 */
export interface NgramEnsembleGraphOptions {
  readonly weight: number;
  readonly buckets: number;
}

/**
 * The ensemble's tables under `ngram_*` initializer names, apart from the wide part's `wide_*` ones when a head has
 * both.
 */
export const NGRAM_ENSEMBLE_TABLE_NAMES: NgramTableNames = {
  prefix: 'ngram',
  unigramTensor: NGRAM_ENSEMBLE_UNIGRAM_TENSOR,
  bigramTensor: NGRAM_ENSEMBLE_BIGRAM_TENSOR,
};

/**
 * The served logits of a model with an n-gram ensemble, float32 `[batch, labels]`, as `core-model`'s
 * `mixNgramEnsemble` computes them: `logit((1 − w)·σ(networkLogits) + w·σ(z))`, where `z` is {@link wideLogitsGraph}
 * over the ensemble's tables (bigrams always on) plus its bias, and the mixed probability is clipped to `[ε, 1 − ε]`
 * (ε = `NGRAM_ENSEMBLE_PROBABILITY_EPSILON`, exact in float32) before `Log(p) − Log(1 − p)`. The result stays a logit,
 * so serving and transformers.js (which apply a sigmoid) need nothing new; like the wide part it reads only
 * `input_ids` and `attention_mask`, so padding changes nothing.
 *
 * @throws MangaAssistError `CHECKPOINT_INVALID` (from `weights`) naming the tensor when one is missing or has another
 *   shape
 *
 * @example
 * ```ts
 * const served = ngramEnsembleGraph(g, weights, logits, 'input_ids', 'attention_mask', dims.vocabSize, 6, { weight: 0.5, buckets: 262144 });
 * ```
 */
export function ngramEnsembleGraph(
  g: OnnxGraphBuilder,
  weights: WeightSource,
  networkLogits: string,
  inputIds: string,
  attentionMask: string,
  vocabSize: number,
  numLabels: number,
  ensemble: NgramEnsembleGraphOptions,
): string {
  const { prefix } = NGRAM_ENSEMBLE_TABLE_NAMES;
  const bag = wideLogitsGraph(g, weights, inputIds, attentionMask, vocabSize, numLabels, { buckets: ensemble.buckets, bigrams: true }, NGRAM_ENSEMBLE_TABLE_NAMES);
  const bias = g.initializer(`${prefix}_bias`, [numLabels], weights.get(NGRAM_ENSEMBLE_BIAS_TENSOR, [numLabels], false));
  const ngramLogits = g.op('Add', [bag, bias]);
  const mixed = g.op('Add', [
    g.op('Mul', [g.op('Sigmoid', [networkLogits]), g.scalar(`${prefix}_network_share`, 1 - ensemble.weight)]),
    g.op('Mul', [g.op('Sigmoid', [ngramLogits]), g.scalar(`${prefix}_share`, ensemble.weight)]),
  ]);
  const epsilon = NGRAM_ENSEMBLE_PROBABILITY_EPSILON;
  const p = g.op('Clip', [mixed, g.scalar(`${prefix}_min_probability`, epsilon), g.scalar(`${prefix}_max_probability`, 1 - epsilon)]);
  return g.op('Sub', [g.op('Log', [p]), g.op('Log', [g.op('Sub', [g.scalar(`${prefix}_one`, 1), p])])]);
}
