import { z } from 'zod';

/**
 * AdamW with discriminative learning rates: the head trains at `baseLr`, each deeper layer group at the rate of the
 * group above divided by `lrDecay` (3e-5 → 1.15e-5 → 4.44e-6 → 1.71e-6 → 6.57e-7 with the defaults).
 */
export const optimizerConfigSchema = z
  .object({
    id: z.enum(['adamw']).default('adamw'),
    baseLr: z.number().positive().default(3e-5),
    lrDecay: z.number().min(1).default(2.6),
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
