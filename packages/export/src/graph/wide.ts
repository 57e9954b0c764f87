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

/**
 * Which n-gram tables a {@link wideLogitsGraph} sums and how its constants are named in the graph: the
 * `model.safetensors` names of the unigram and bigram tables, and the prefix of every initializer it adds (tables,
 * axes, hash constants). Two bags in one graph (the wide part and the n-gram ensemble) need distinct prefixes so that
 * each reads as its own part when the graph is inspected.
 */
export interface NgramTableNames {
  /** Prefix of the initializer names, e.g. `wide` gives `wide_unigram`, `wide_bigram`, `wide_reduce_axis`. */
  readonly prefix: string;
  /** `model.safetensors` name of the `[vocab, labels]` unigram table. */
  readonly unigramTensor: string;
  /** `model.safetensors` name of the `[buckets, labels]` bigram table. */
  readonly bigramTensor: string;
}

/** The wide part's tables (`wide.unigram.weight`, `wide.bigram.weight`) under the `wide_*` initializer names. */
export const WIDE_TABLE_NAMES: NgramTableNames = { prefix: 'wide', unigramTensor: WIDE_UNIGRAM_TENSOR, bigramTensor: WIDE_BIGRAM_TENSOR };

/** "To the end" for Slice (ONNX clamps ends to the dimension). */
export const SLICE_TO_END = Number.MAX_SAFE_INTEGER;

/**
 * The bucket of every pair of consecutive positions, int64 `[batch, seq − 1]`:
 * `Mod(Add(Mul(input_ids[:, :-1], 16249), input_ids[:, 1:]), buckets)` — the hash `core-model` computes in int32
 * (`wideBigramBuckets`; the reference is `wideBigramHash` of `@mangaassist/common`). In int64 nothing can overflow;
 * for ids below 2¹⁷ the int32 version cannot either, so both give the same buckets. `prefix` names its constants
 * (default `wide`, see {@link NgramTableNames}).
 *
 * @example
 * ```ts
 * const buckets = wideBigramBucketsGraph(g, 'input_ids', 262144); // int64 [batch, seq - 1]
 * ```
 */
export function wideBigramBucketsGraph(g: OnnxGraphBuilder, inputIds: string, buckets: number, prefix = WIDE_TABLE_NAMES.prefix): string {
  const axis = g.int64s(`${prefix}_sequence_axis`, [1]);
  const first = g.op('Slice', [inputIds, g.int64s(`${prefix}_first_start`, [0]), g.int64s(`${prefix}_first_end`, [-1]), axis]);
  const second = g.op('Slice', [inputIds, g.int64s(`${prefix}_second_start`, [1]), g.int64s(`${prefix}_second_end`, [SLICE_TO_END]), axis]);
  const multiplier = g.initializer(`${prefix}_bigram_multiplier`, [], BigInt64Array.of(BigInt(WIDE_BIGRAM_MULTIPLIER)));
  const modulus = g.initializer(`${prefix}_bigram_buckets`, [], BigInt64Array.of(BigInt(buckets)));
  return g.op('Mod', [g.op('Add', [g.op('Mul', [first, multiplier]), second]), modulus]);
}

/**
 * The wide logits, float32 `[batch, labels]`, as `core-model`'s `wideLogits` computes them:
 * `(Σ_real t U[id_t] + Σ_real pairs Bg[bucket(id_t, id_t+1)]) / √max(n, 1)` with n the number of positions whose
 * `attention_mask` is 1 and a pair real when both its positions are. Gather from the float32 tables on the int64
 * `input_ids` (and on {@link wideBigramBucketsGraph}'s buckets), Mul by the mask (Cast, Unsqueeze), ReduceSum over
 * the sequence, Sqrt/Div for the scale. Needs no input beyond the encoder's, so serving is unchanged. `tables`
 * chooses the tables and the initializer names: the wide part's by default, the n-gram ensemble's for
 * `ngramEnsembleGraph` (the same formula over tables fitted apart).
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
  tables: NgramTableNames = WIDE_TABLE_NAMES,
): string {
  const { prefix } = tables;
  const unigram = g.initializer(`${prefix}_unigram`, [vocabSize, numLabels], weights.get(tables.unigramTensor, [vocabSize, numLabels], false));
  const mask = g.op('Cast', [attentionMask], { attributes: { to: attr.int(1) } });
  const sequenceAxis = g.int64s(`${prefix}_reduce_axis`, [1]);
  const lastAxis = g.int64s(`${prefix}_label_axis`, [2]);
  const bag = (table: string, rows: string, rowWeights: string) =>
    g.op('ReduceSum', [g.op('Mul', [g.op('Gather', [table, rows], { attributes: { axis: attr.int(0) } }), g.op('Unsqueeze', [rowWeights, lastAxis])]), sequenceAxis], {
      attributes: { keepdims: attr.int(0) },
    });
  let summed = bag(unigram, inputIds, mask);
  if (wide.bigrams) {
    const bigram = g.initializer(`${prefix}_bigram`, [wide.buckets, numLabels], weights.get(tables.bigramTensor, [wide.buckets, numLabels], false));
    const axis = g.int64s(`${prefix}_pair_axis`, [1]);
    const left = g.op('Slice', [mask, g.int64s(`${prefix}_mask_first_start`, [0]), g.int64s(`${prefix}_mask_first_end`, [-1]), axis]);
    const right = g.op('Slice', [mask, g.int64s(`${prefix}_mask_second_start`, [1]), g.int64s(`${prefix}_mask_second_end`, [SLICE_TO_END]), axis]);
    summed = g.op('Add', [summed, bag(bigram, wideBigramBucketsGraph(g, inputIds, wide.buckets, prefix), g.op('Mul', [left, right]))]);
  }
  const count = g.op('ReduceSum', [mask, sequenceAxis], { attributes: { keepdims: attr.int(1) } });
  return g.op('Div', [summed, g.op('Sqrt', [g.op('Max', [count, g.scalar(`${prefix}_min_count`, 1)])])]);
}
