import type { MlmMaskingOptions } from '@mangaassist/core-model';
import { chunk } from './batching';
import { disposeMlmBatch, makeMlmBatch } from './mlm-batching';
import type { MlmEvaluation, MlmLoss } from './mlm-records';
import type { MaskedLmTrainable } from './mlm-trainable';
import { mixSeed } from './rng';

/** A tokenised text and the source it came from (held-out losses are also reported per source). */
export interface MlmExample {
  readonly ids: Int32Array;
  readonly source: string;
}

/** Options of {@link evaluateMaskedLm}. */
export interface EvaluateMaskedLmOptions {
  readonly masking: MlmMaskingOptions;
  /** The masks depend only on this seed and each text's index, so every evaluation of a run sees the same targets. */
  readonly seed: number;
  readonly batchSize: number;
  readonly padId: number;
}

/**
 * The masked-LM loss of `model` on held-out texts, in evaluation mode: each text masked once with a seed of its own
 * (BERT's recipe), the mean cross-entropy over every target of all texts and of each source, and the perplexity
 * `exp(loss)`.
 *
 * @throws RangeError when the texts hold no maskable token
 *
 * @example
 * ```ts
 * const before = await evaluateMaskedLm(model, heldOut, { masking: model.maskingOptions(), seed: 42, batchSize: 64, padId: 0 });
 * console.log(before.loss, before.perplexity, before.bySource.generated?.loss);
 * ```
 */
export async function evaluateMaskedLm(model: MaskedLmTrainable, examples: readonly MlmExample[], options: EvaluateMaskedLmOptions): Promise<MlmEvaluation> {
  const sums = new Map<string, { loss: number; targets: number; texts: number }>();
  const indicesBySource = new Map<string, number[]>();
  examples.forEach((e, i) => indicesBySource.set(e.source, [...(indicesBySource.get(e.source) ?? []), i]));
  for (const [source, indices] of indicesBySource) {
    const sum = { loss: 0, targets: 0, texts: indices.length };
    sums.set(source, sum);
    for (const batchIndices of chunk(indices, options.batchSize)) {
      const batch = makeMlmBatch(
        batchIndices.map((i) => examples[i]!.ids),
        options.masking,
        (j) => mixSeed(options.seed, batchIndices[j]!, 0xe7a1),
        options.padId,
      );
      try {
        if (batch.targets === 0) continue;
        const loss = model.loss(batch.inputs, { training: false });
        sum.loss += (await loss.data())[0]! * batch.targets;
        sum.targets += batch.targets;
        loss.dispose();
      } finally {
        disposeMlmBatch(batch);
      }
    }
  }
  const total = [...sums.values()].reduce((a, s) => ({ loss: a.loss + s.loss, targets: a.targets + s.targets, texts: a.texts + s.texts }), { loss: 0, targets: 0, texts: 0 });
  if (total.targets === 0) throw new RangeError('the held-out texts hold no token that can be masked');
  const summarise = (s: { loss: number; targets: number; texts: number }): MlmLoss => {
    const loss = s.targets > 0 ? s.loss / s.targets : NaN;
    return { loss, perplexity: Math.exp(loss), maskedTokens: s.targets, texts: s.texts };
  };
  return { ...summarise(total), bySource: Object.fromEntries([...sums].map(([source, s]) => [source, summarise(s)])) };
}
