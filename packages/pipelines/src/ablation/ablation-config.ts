import { basename, extname } from 'node:path';
import { loadConfigFile, parseConfig, trainJobConfigSchema, type TrainJobConfig } from '@mangaassist/common';
import { HANDWRITTEN_SLICE_FILES, type HandwrittenSliceId } from '@mangaassist/data';
import { z } from 'zod';

/**
 * The rows of the ablation table, in the order the design document builds them up: each adds one technique to the row
 * above. The last, `default-recipe`, is what a training job gets when its file sets nothing but the data.
 */
export const ABLATION_ROW_IDS = [
  'head-only',
  'full-uniform',
  'discriminative-lr',
  'gradual-unfreezing',
  'focal-loss',
  'threshold-optimisation',
  'churn-boost',
  'default-recipe',
] as const;

/** One row id of the ablation table. */
export type AblationRowId = (typeof ABLATION_ROW_IDS)[number];

/** The rows of the loss comparison: the full pipeline (ULMFiT, discriminative rates) with each loss, at threshold 0.5. */
export const LOSS_ROW_IDS = ['bce', 'focal-g2', 'focal-g2-alpha', 'focal-g3', 'focal-g5', 'asymmetric', 'uncertainty-weighted'] as const;

/** One row id of the loss comparison. */
export type LossRowId = (typeof LOSS_ROW_IDS)[number];

const sectionSchema = z.record(z.string(), z.unknown());

/** The bundled hand-written slices a config may score on (`dev` was used for tuning; `final` and `holdout` were not). */
export const HANDWRITTEN_SLICE_IDS = Object.keys(HANDWRITTEN_SLICE_FILES) as [HandwrittenSliceId, ...HandwrittenSliceId[]];

/**
 * An ablation file: a base training job (the sections of a `train` config; `data` may be left out when `corpus`
 * generates the MangaAssist corpus), the rows to run, and per-row overrides merged over the base.
 *
 * @example
 * ```yaml
 * name: ablation-mangaassist
 * corpus: { examples: 5000, seed: 7, valFraction: 0.2 }
 * base:
 *   model: { pretrained: ../shared/models/mini-distilbert-mlm, maxLength: 48 }
 *   optimizer: { baseLr: 5.0e-4 }
 * epochs: 4
 * limitExamples: 2000
 * rows: [head-only, full-uniform, discriminative-lr, gradual-unfreezing, focal-loss, threshold-optimisation, churn-boost, default-recipe]
 * lossRows: [bce, focal-g2, focal-g2-alpha, focal-g3, focal-g5, asymmetric, uncertainty-weighted]
 * overrides: { head-only: { optimizer: { baseLr: 1.0e-3 } } }
 * handwritten: { slices: [dev] }
 * ```
 */
export const ablationConfigSchema = z
  .object({
    /** Output folder name under `outRoot`: runs/<name>/rows/<row>/ and runs/<name>/report/. Default: the file name. */
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only').optional(),
    outRoot: z.string().min(1).default('runs'),
    /** Generate the MangaAssist corpus (split train/validation) instead of reading `base.data`. */
    corpus: z
      .object({
        examples: z.number().int().min(10),
        seed: z.number().int().default(7),
        valFraction: z.number().gt(0).lt(1).default(0.2),
      })
      .strict()
      .optional(),
    /** A training job without `training.outDir` (each row has its own); `data` is required unless `corpus` is given. */
    base: z
      .object({
        model: sectionSchema.optional(),
        data: sectionSchema.optional(),
        loss: sectionSchema.optional(),
        schedule: sectionSchema.optional(),
        optimizer: sectionSchema.optional(),
        thresholds: sectionSchema.optional(),
        training: sectionSchema.optional(),
      })
      .strict()
      .default({}),
    epochs: z.number().int().positive().optional(),
    limitExamples: z.number().int().positive().optional(),
    limitValidationExamples: z.number().int().positive().optional(),
    /** The discriminative decay of the rows that use discriminative rates (uniform rows use 1). */
    lrDecay: z.number().gt(1).default(2.6),
    rows: z.array(z.enum(ABLATION_ROW_IDS)).default([...ABLATION_ROW_IDS]),
    lossRows: z.array(z.enum(LOSS_ROW_IDS)).default([...LOSS_ROW_IDS]),
    /** Sections merged over the base job for one row (e.g. a higher rate for head-only). */
    overrides: z.partialRecord(z.enum([...ABLATION_ROW_IDS, ...LOSS_ROW_IDS]), sectionSchema).default({}),
    /** Probability added to churn_risk when a churn phrase matches (the serving default is 0.35). */
    churnBoost: z.number().min(0).max(1).optional(),
    latency: z
      .object({ runs: z.number().int().positive().default(50), tokens: z.number().int().min(4).default(24) })
      .strict()
      .default({ runs: 50, tokens: 24 }),
    /**
     * The hand-written MangaAssist slices (messages people wrote) every row and the TF-IDF baseline are also scored
     * on, with the row's own decision rule; `[]` leaves the columns out. `dev` was used for tuning (optimistic).
     */
    handwritten: z
      .object({ slices: z.array(z.enum(HANDWRITTEN_SLICE_IDS)).default(['dev']) })
      .strict()
      .default({ slices: ['dev'] }),
    /** Batch size of the validation prediction pass. */
    evalBatchSize: z.number().int().positive().default(64),
    /**
     * Where to keep the best run's model (validation macro-F1 at 0.5) in the quickstart's layout: HF-style files,
     * calibrated thresholds.json and onnx/ (fp32 + int8). Unset: nothing is copied.
     */
    keepBest: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (!config.corpus && !config.base.data) {
      ctx.addIssue({ code: 'custom', path: ['base', 'data'], message: 'give base.data (train/validation files) or corpus (generate the MangaAssist corpus)' });
    }
    if (config.corpus && config.base.data) {
      ctx.addIssue({ code: 'custom', path: ['corpus'], message: 'give either corpus or base.data, not both' });
    }
    if (config.base.training && 'outDir' in config.base.training) {
      ctx.addIssue({ code: 'custom', path: ['base', 'training', 'outDir'], message: 'each row writes under <outRoot>/<name>/rows/<row>; leave outDir out' });
    }
    if (config.rows.length + config.lossRows.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['rows'], message: 'rows and lossRows are both empty: nothing to run' });
    }
    for (const [path, list] of [[['rows'], config.rows], [['lossRows'], config.lossRows], [['handwritten', 'slices'], config.handwritten.slices]] as const) {
      const seen = new Set<string>();
      list.forEach((id, i) => {
        if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [...path, i], message: `${path.length > 1 ? 'slice' : 'row'} ${id} is listed twice` });
        seen.add(id);
      });
    }
  });

/** Sections of a training job to merge over the base (a row's settings or an override). */
export type JobLayer = Readonly<Record<string, unknown>>;

/** A parsed ablation file, with its name resolved. */
export type AblationConfig = z.infer<typeof ablationConfigSchema> & { readonly name: string; readonly source: string };

/**
 * Reads and validates an ablation YAML/JSON file; errors are `CONFIG_INVALID` naming the file and each bad path.
 * The base job is checked against the training job schema at once, so a typo fails before any training.
 *
 * @example
 * ```ts
 * const config = loadAblationConfig('configs/ablation-mangaassist.yaml');
 * ```
 */
export function loadAblationConfig(file: string, env: NodeJS.ProcessEnv = process.env): AblationConfig {
  const parsed = loadConfigFile(ablationConfigSchema, file, env);
  const config = { ...parsed, name: parsed.name ?? basename(file, extname(file)), source: file };
  baseJob(config, { train: { path: 'train.jsonl' } }, 'runs/check');
  return config;
}

/**
 * What every ablation run shares unless its file says otherwise: the design's pipeline, which the rows build up one
 * technique at a time, rather than the training job's defaults (the recipe that won on hand-written messages). The
 * deep head alone, a warm-up then linear decay within each epoch, and the epoch with the best validation macro-F1
 * kept, as the design's table was made.
 */
const DESIGN_PIPELINE: JobLayer = {
  model: { head: { wide: { enabled: false } } },
  schedule: { lr: { id: 'warmup-linear-per-epoch', options: {} } },
  training: { modelSelection: 'best-validation' },
};

/**
 * The base training job of the ablation with `data` and `outDir` filled in, validated by the training job schema.
 *
 * @example
 * ```ts
 * const job = baseJob(config, { train: { path: 'data/train.jsonl' } }, 'runs/a/rows/bce', [{ loss: { id: 'bce' } }]);
 * ```
 */
export function baseJob(config: AblationConfig, data: unknown, outDir: string, layers: readonly JobLayer[] = []): TrainJobConfig {
  const merged: Record<string, unknown> = {};
  // Later layers win section by section: the design's pipeline, the file's base, then the row's own settings, then the
  // file's override for the row.
  for (const section of ['model', 'data', 'loss', 'schedule', 'optimizer', 'thresholds', 'training']) {
    const parts = [DESIGN_PIPELINE, config.base, ...layers].map((layer) => (layer as Record<string, Record<string, unknown> | undefined>)[section] ?? {});
    const value = Object.assign({}, ...parts) as Record<string, unknown>;
    if (Object.keys(value).length > 0) merged[section] = value;
  }
  merged.data = config.base.data ?? data;
  merged.training = {
    ...(merged.training as Record<string, unknown> | undefined),
    outDir,
    ...(config.limitExamples !== undefined ? { limitExamples: config.limitExamples } : {}),
    ...(config.limitValidationExamples !== undefined ? { limitValidationExamples: config.limitValidationExamples } : {}),
  };
  if (config.epochs !== undefined) merged.schedule = { ...(merged.schedule as Record<string, unknown> | undefined), epochs: config.epochs };
  return parseConfig(trainJobConfigSchema, merged, `${config.source} (base job)`);
}
