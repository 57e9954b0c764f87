import { WIDE_BIGRAM_MULTIPLIER, WIDE_BIGRAM_TENSOR, WIDE_UNIGRAM_TENSOR } from '@mangaassist/common';
import { attr, type OnnxGraphBuilder } from '../onnx-graph-builder';
import type { WeightSource } from '../weight-source';

/**
 * The wide part of the classifier head as the graph needs it (`config.json` → `mangaassist_head.wide`, written by
 * `core-model`): the number of bigram buckets and whether bigrams are used. Its tables are `wide.unigram.weight`
 * `[vocab, labels]` and `wide.bigram.weight` `[buckets, labels]` of `model.safetensors`, kept float32 in every graph.
 */
export interface WideGraphOptions {
  readonly buckets: number;
  readonly bigrams: boolean;
}

// "To the end" for Slice (ONNX clamps ends to the dimension).
const SLICE_TO_END = Number.MAX_SAFE_INTEGER;

/**
 * The bucket of every pair of consecutive positions, int64 `[batch, seq − 1]`:
 * `Mod(Add(Mul(input_ids[:, :-1], 16249), input_ids[:, 1:]), buckets)` — the hash `core-model` computes in int32
 * (`wideBigramBuckets`; the reference is `wideBigramHash` of `@mangaassist/common`). In int64 nothing can overflow;
 * for ids below 2¹⁷ the int32 version cannot either, so both give the same buckets.
 *
 * @example
 * ```ts
 * const buckets = wideBigramBucketsGraph(g, 'input_ids', 262144); // int64 [batch, seq - 1]
 * ```
 */
export function wideBigramBucketsGraph(g: OnnxGraphBuilder, inputIds: string, buckets: number): string {
  const axis = g.int64s('wide_sequence_axis', [1]);
  const first = g.op('Slice', [inputIds, g.int64s('wide_first_start', [0]), g.int64s('wide_first_end', [-1]), axis]);
  const second = g.op('Slice', [inputIds, g.int64s('wide_second_start', [1]), g.int64s('wide_second_end', [SLICE_TO_END]), axis]);
  const multiplier = g.initializer('wide_bigram_multiplier', [], BigInt64Array.of(BigInt(WIDE_BIGRAM_MULTIPLIER)));
  const modulus = g.initializer('wide_bigram_buckets', [], BigInt64Array.of(BigInt(buckets)));
  return g.op('Mod', [g.op('Add', [g.op('Mul', [first, multiplier]), second]), modulus]);
}

/**
 * The wide logits, float32 `[batch, labels]`, as `core-model`'s `wideLogits` computes them:
 * `(Σ_real t U[id_t] + Σ_real pairs Bg[bucket(id_t, id_t+1)]) / √max(n, 1)` with n the number of positions whose
 * `attention_mask` is 1 and a pair real when both its positions are. Gather from the float32 tables on the int64
 * `input_ids` (and on {@link wideBigramBucketsGraph}'s buckets), Mul by the mask (Cast, Unsqueeze), ReduceSum over
 * the sequence, Sqrt/Div for the scale. Needs no input beyond the encoder's, so serving is unchanged.
 *
 * @throws MangaAssistError `CHECKPOINT_INVALID` (from `weights`) when a table is missing or has another shape
 *
 * @example
 * ```ts
 * const logits = g.op('Add', [deepLogits, wideLogitsGraph(g, weights, 'input_ids', 'attention_mask', dims.vocabSize, 6, wide)]);
 * ```
 */
export function wideLogitsGraph(
  g: OnnxGraphBuilder,
  weights: WeightSource,
  inputIds: string,
  attentionMask: string,
  vocabSize: number,
  numLabels: number,
  wide: WideGraphOptions,
): string {
  const unigram = g.initializer('wide_unigram', [vocabSize, numLabels], weights.get(WIDE_UNIGRAM_TENSOR, [vocabSize, numLabels], false));
  const mask = g.op('Cast', [attentionMask], { attributes: { to: attr.int(1) } });
  const sequenceAxis = g.int64s('wide_reduce_axis', [1]);
  const lastAxis = g.int64s('wide_label_axis', [2]);
  const bag = (table: string, rows: string, rowWeights: string) =>
    g.op('ReduceSum', [g.op('Mul', [g.op('Gather', [table, rows], { attributes: { axis: attr.int(0) } }), g.op('Unsqueeze', [rowWeights, lastAxis])]), sequenceAxis], {
      attributes: { keepdims: attr.int(0) },
    });
  let summed = bag(unigram, inputIds, mask);
  if (wide.bigrams) {
    const bigram = g.initializer('wide_bigram', [wide.buckets, numLabels], weights.get(WIDE_BIGRAM_TENSOR, [wide.buckets, numLabels], false));
    const axis = g.int64s('wide_pair_axis', [1]);
    const left = g.op('Slice', [mask, g.int64s('wide_mask_first_start', [0]), g.int64s('wide_mask_first_end', [-1]), axis]);
    const right = g.op('Slice', [mask, g.int64s('wide_mask_second_start', [1]), g.int64s('wide_mask_second_end', [SLICE_TO_END]), axis]);
    summed = g.op('Add', [summed, bag(bigram, wideBigramBucketsGraph(g, inputIds, wide.buckets), g.op('Mul', [left, right]))]);
  }
  const count = g.op('ReduceSum', [mask, sequenceAxis], { attributes: { keepdims: attr.int(1) } });
  return g.op('Div', [summed, g.op('Sqrt', [g.op('Max', [count, g.scalar('wide_min_count', 1)])])]);
}
