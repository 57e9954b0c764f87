import * as tf from '@tensorflow/tfjs-core';
import { maskSequence, type MaskedLmInputs, type MlmMaskingOptions } from '@mangaassist/core-model';

/** A masked, padded batch as tensors, with what it holds; {@link disposeMlmBatch} releases the tensors. */
export interface MlmBatch {
  readonly inputs: MaskedLmInputs;
  /** Sequences in the batch. */
  readonly size: number;
  /** Real (non-padding) tokens in the batch. */
  readonly tokens: number;
  /** Targets (masked positions) in the batch; 0 only when no sequence had a token that may be masked. */
  readonly targets: number;
}

/**
 * Masks each sequence with its own seed (`seedOf(i)`, see `maskSequence`) and pads the batch to its longest
 * sequence. With `requireTarget`, a batch whose draw chose no target gets one (in its first sequence that has an
 * eligible token), so a training step always has a loss.
 *
 * @throws RangeError for an empty batch or an empty sequence
 *
 * @example
 * ```ts
 * const batch = makeMlmBatch([[101, 2073, 102]], model.maskingOptions(), (i) => mixSeed(7, i), 0, true);
 * const loss = model.loss(batch.inputs, { training: true });
 * disposeMlmBatch(batch);
 * ```
 */
export function makeMlmBatch(
  sequences: readonly ArrayLike<number>[],
  masking: MlmMaskingOptions,
  seedOf: (index: number) => number,
  padId: number,
  requireTarget = false,
): MlmBatch {
  if (sequences.length === 0) throw new RangeError('a batch needs at least one sequence');
  const masked = sequences.map((ids, i) => {
    if (ids.length === 0) throw new RangeError(`sequence ${i} of the batch has no tokens`);
    return maskSequence(ids, masking, seedOf(i));
  });
  if (requireTarget && masked.every((m) => m.positions.length === 0)) {
    const first = sequences.findIndex((ids) => Array.from(ids).some((id) => !masking.specialIds.has(id)));
    if (first >= 0) masked[first] = maskSequence(sequences[first]!, masking, seedOf(first), true);
  }
  const length = Math.max(...sequences.map((s) => s.length));
  const ids = new Int32Array(sequences.length * length).fill(padId);
  const attention = new Int32Array(sequences.length * length);
  const positions: number[] = [];
  const labels: number[] = [];
  let tokens = 0;
  masked.forEach((m, row) => {
    ids.set(m.inputIds, row * length);
    attention.fill(1, row * length, row * length + m.inputIds.length);
    tokens += m.inputIds.length;
    m.positions.forEach((p, j) => {
      positions.push(row * length + p);
      labels.push(m.labels[j]!);
    });
  });
  return {
    inputs: {
      inputIds: tf.tensor2d(ids, [sequences.length, length], 'int32'),
      attentionMask: tf.tensor2d(attention, [sequences.length, length], 'int32'),
      positions: tf.tensor1d(positions, 'int32'),
      labels: tf.tensor1d(labels, 'int32'),
    },
    size: sequences.length,
    tokens,
    targets: positions.length,
  };
}

/**
 * Releases a batch's tensors.
 *
 * @example
 * ```ts
 * disposeMlmBatch(makeMlmBatch(sequences, masking, (i) => i, 0));
 * ```
 */
export function disposeMlmBatch(batch: MlmBatch): void {
  const { inputIds, attentionMask, positions, labels } = batch.inputs;
  tf.dispose([inputIds, attentionMask, positions, labels]);
}
