import { z } from 'zod';

/**
 * How a run chooses the model it keeps: `best-validation` keeps the epoch with the best validation macro-F1
 * (`best-model/`); `last-epoch` keeps the model as it stands after the last epoch (`last-model/`), for when the
 * validation split is unlike the messages the model will be judged on (generated validation text picks an early epoch
 * that is worse on messages people wrote than the last one).
 *
 * @example
 * ```ts
 * modelSelectionSchema.parse('last-epoch'); // 'last-epoch'
 * ```
 */
export const modelSelectionSchema = z.enum(['best-validation', 'last-epoch']);

/** Which model a run keeps (see {@link modelSelectionSchema}). */
export type ModelSelection = z.infer<typeof modelSelectionSchema>;

/** Run-level settings of a training job. */
export const trainingConfigSchema = z
  .object({
    seed: z.number().int().default(42),
    batchSize: z.number().int().positive().default(32),
    /** Examples per forward pass when validating (no gradients, so larger than `batchSize` fits). */
    evalBatchSize: z.number().int().positive().default(64),
    /** Run directory: config, metrics log, checkpoints, best model, report. */
    outDir: z.string().min(1).default('runs/train'),
    /** Stop when validation macro-F1 has not improved for this many epochs; 0 disables early stopping. */
    earlyStoppingPatience: z.number().int().min(0).default(0),
    /** Backend to force (`cpu`, `webgpu`, `tensorflow`); chosen by priority when absent. */
    backend: z.string().min(1).optional(),
    /** Stop after this many optimizer steps in total (the epoch in progress is still validated); for quick runs. */
    maxSteps: z.number().int().positive().optional(),
    /** Train on a seeded random subset of this many training examples; for quick runs. */
    limitExamples: z.number().int().positive().optional(),
    /** Validate on a seeded random subset of this many validation examples. */
    limitValidationExamples: z.number().int().positive().optional(),
    /** Checkpoint every this many steps inside an epoch (0: only at epoch ends); a killed run resumes from there. */
    checkpointEverySteps: z.number().int().min(0).default(100),
    /** Write a step line to metrics.jsonl every this many steps. */
    logEverySteps: z.number().int().positive().default(10),
    /**
     * Also keep the model of every epoch (`epoch-<n>/` in the run directory, one encoder's size each, each with the
     * run's n-gram ensemble when `model.head.ngramEnsemble` is on), so that the epoch can be chosen on other data than
     * the validation split, scored as it would be served. Off by default.
     */
    keepEpochModels: z.boolean().default(false),
    /**
     * Which model the run keeps: `last-epoch` (default) the model after the last epoch in `last-model/`,
     * `best-validation` the epoch with the best validation macro-F1 in `best-model/` (validation is tracked, reported
     * and drives early stopping either way). The last epoch is the default because a validation split drawn from the
     * training data's own distribution picks an early epoch that is worse on messages people wrote
     * (docs/results/handwritten-quality.md).
     */
    modelSelection: modelSelectionSchema.default('last-epoch'),
  })
  .strict();

/** Parsed run settings. */
export type TrainingConfig = z.infer<typeof trainingConfigSchema>;
