import { z } from 'zod';
import { dataConfigSchema } from './data';
import { lossConfigSchema } from './loss';
import { modelConfigSchema } from './model';
import { optimizerConfigSchema } from './optimizer';
import { scheduleConfigSchema } from './schedule';
import { servingConfigSchema } from './serving';
import { thresholdsConfigSchema } from './thresholds';
import { trainingConfigSchema } from './training';

export * from './data';
export * from './labels';
export * from './loss';
export * from './model';
export * from './optimizer';
export * from './pretrain-mlm';
export * from './schedule';
export * from './serving';
export * from './thresholds';
export * from './training';

/**
 * Packages of plugin descriptors to register before the configuration's plugin ids are looked up, e.g.
 * `plugins: ["@acme/mangaassist-losses"]`: each must export `mangaassistPlugins` (see `registerPluginPackages`).
 * Names resolve from the config file's directory, then from the project.
 */
export const pluginPackagesSchema = z.array(z.string().min(1)).optional();

/**
 * A training job's file: one section per concern. Only `data` is required. `plugins` (absent by default, so that
 * a job without plugins keeps its fingerprint) lists plugin packages for `loss`, `schedule` and `thresholds` ids.
 */
export const trainJobConfigSchema = z
  .object({
    plugins: pluginPackagesSchema,
    model: modelConfigSchema.default(modelConfigSchema.parse({})),
    data: dataConfigSchema,
    loss: lossConfigSchema.default({ id: 'bce', options: {} }),
    schedule: scheduleConfigSchema.default(scheduleConfigSchema.parse({})),
    optimizer: optimizerConfigSchema.default(optimizerConfigSchema.parse({})),
    thresholds: thresholdsConfigSchema.default(thresholdsConfigSchema.parse({})),
    training: trainingConfigSchema.default(trainingConfigSchema.parse({})),
  })
  .strict();

/** Parsed training job configuration. */
export type TrainJobConfig = z.infer<typeof trainJobConfigSchema>;

/** The server's file; `plugins` lists packages of threshold stores and strategies (`thresholds.store.id`). */
export const serverConfigSchema = z
  .object({
    plugins: pluginPackagesSchema,
    serving: servingConfigSchema.default(servingConfigSchema.parse({})),
    thresholds: thresholdsConfigSchema.default(thresholdsConfigSchema.parse({})),
  })
  .strict();

/** Parsed server configuration. */
export type ServerConfig = z.infer<typeof serverConfigSchema>;
