import { z } from 'zod';

/** Run-level settings of a training job. */
export const trainingConfigSchema = z
  .object({
    seed: z.number().int().default(42),
    batchSize: z.number().int().positive().default(32),
    /** Run directory: config, metrics log, checkpoints, best model, report. */
    outDir: z.string().min(1).default('runs/train'),
    /** Stop when validation macro-F1 has not improved for this many epochs; 0 disables early stopping. */
    earlyStoppingPatience: z.number().int().min(0).default(0),
    /** Backend to force (`cpu`, `webgpu`, `tensorflow`); chosen by priority when absent. */
    backend: z.string().min(1).optional(),
  })
  .strict();

/** Parsed run settings. */
export type TrainingConfig = z.infer<typeof trainingConfigSchema>;
