import { z } from 'zod';
import { pluginSelectionSchema } from './labels';

/**
 * How thresholds are chosen (`strategy`) and where they are kept (`store`), with the read cache in front of it.
 *
 * @example
 * ```yaml
 * thresholds:
 *   strategy: { id: fbeta-sweep }
 *   store: { id: sqlite, options: { path: runs/thresholds.db } }
 * ```
 */
export const thresholdsConfigSchema = z
  .object({
    strategy: pluginSelectionSchema('fbeta-sweep').default({ id: 'fbeta-sweep', options: {} }),
    store: pluginSelectionSchema('sqlite').default({ id: 'sqlite', options: {} }),
    cacheTtlMs: z.number().int().min(0).default(10_000),
  })
  .strict();

/** Parsed thresholds configuration. */
export type ThresholdsConfig = z.infer<typeof thresholdsConfigSchema>;
