import { z } from 'zod';

/**
 * The learning rate a training job uses when `optimizer.baseLr` is not set, from the encoder's hidden size: 3e-4 for
 * encoders narrower than DistilBERT-base (measured with the 256-wide stand-in mini-distilbert-mlm, which learns almost
 * nothing at 3e-5: docs/results/handwritten-quality.md), 3e-5 for DistilBERT-base and wider (the design's rate and the
 * usual range for fine-tuning BERT-sized encoders, where 3e-4 risks divergence).
 *
 * @example
 * ```ts
 * recommendedBaseLr(256); // 3e-4
 * recommendedBaseLr(768); // 3e-5
 * ```
 */
export function recommendedBaseLr(hiddenSize: number): number {
  return hiddenSize < 768 ? 3e-4 : 3e-5;
}

/**
 * AdamW with discriminative learning rates: the head trains at `baseLr`, each deeper layer group at the rate of the
 * group above divided by `lrDecay` (1 by default: every group at the same rate; the design's 2.6 gives 3e-5 →
 * 1.15e-5 → 4.44e-6 → 1.71e-6 → 6.57e-7 for DistilBERT-base). Uniform rates won on hand-written messages with four
 * to eight epochs (docs/results/handwritten-quality.md).
 */
export const optimizerConfigSchema = z
  .object({
    id: z.enum(['adamw']).default('adamw'),
    /** The head's rate; absent: {@link recommendedBaseLr} of the encoder's hidden size, decided when the encoder loads. */
    baseLr: z.number().positive().optional(),
    lrDecay: z.number().min(1).default(1),
    weightDecay: z.number().min(0).default(0.01),
    beta1: z.number().min(0).lt(1).default(0.9),
    beta2: z.number().min(0).lt(1).default(0.999),
    epsilon: z.number().positive().default(1e-8),
    /** Global-norm gradient clipping; 0 disables it. */
    gradClipNorm: z.number().min(0).default(1),
  })
  .strict();

/** Parsed optimizer configuration. */
export type OptimizerConfig = z.infer<typeof optimizerConfigSchema>;
