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
    /** A store read or ping slower than this counts as a failure (ms). */
    storeTimeoutMs: z.number().int().positive().default(2000),
    /** How long a request holding expired thresholds waits for their refresh before it uses them anyway (ms). */
    refreshWaitMs: z.number().int().min(0).default(100),
    /** First wait before asking a failing store again (ms); doubles with each failure up to maxRetryAfterFailureMs. */
    retryAfterFailureMs: z.number().int().min(0).default(1000),
    maxRetryAfterFailureMs: z.number().int().min(0).default(30_000),
    /** Readiness pings the store at most once per this interval (ms), however often it is probed. */
    healthCheckIntervalMs: z.number().int().min(0).default(1000),
    /**
     * How often the server reverts temporary overrides past their expiry in the store (ms); readers ignore an
     * expired override at once, the revert writes its audit row and tells the other replicas.
     */
    overrideExpiryCheckMs: z.number().int().positive().default(1000),
  })
  .strict();

/** Parsed thresholds configuration. */
export type ThresholdsConfig = z.infer<typeof thresholdsConfigSchema>;
