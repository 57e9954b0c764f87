import { CachedThresholdStore, type CachedStoreOptions } from './cached-store';
import { createThresholdStoreRegistry, type StoreSelection, type ThresholdStoreRegistry } from './store-registry';
import type { ThresholdStoreDeps } from './store-support';

/** Where to open a store from: the `thresholds` section of a config satisfies it. */
export interface StoreConfig {
  readonly store: StoreSelection;
  /** TTL of the read cache (ms); default 10 000. */
  readonly cacheTtlMs?: number;
  /** A read or ping slower than this is a failure (ms); default 2000. */
  readonly storeTimeoutMs?: number;
  /** Longest wait for the refresh of expired thresholds before they are used anyway (ms); default 100. */
  readonly refreshWaitMs?: number;
  /** First wait before asking a failing store again (ms); default 1000, doubling. */
  readonly retryAfterFailureMs?: number;
  /** Longest wait between retries of a failing store (ms); default 30 000. */
  readonly maxRetryAfterFailureMs?: number;
  /** Readiness pings the store at most once per this interval (ms); default 1000. */
  readonly healthCheckIntervalMs?: number;
}

/**
 * Opens the configured store behind a {@link CachedThresholdStore}: what the server and the CLI use.
 *
 * @example
 * ```ts
 * const config = loadConfig('job.yaml');
 * const store = openThresholdStore(config.thresholds);
 * const thresholds = await store.getEffective('manga-v1');
 * ```
 */
export function openThresholdStore(
  config: StoreConfig,
  options: { registry?: ThresholdStoreRegistry; deps?: ThresholdStoreDeps; timeoutMs?: number } = {},
): CachedThresholdStore {
  const registry = options.registry ?? createThresholdStoreRegistry();
  const inner = registry.create(config.store.id, config.store.options, options.deps ?? {});
  return new CachedThresholdStore(inner, {
    ...cacheOptions(config),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
}

/**
 * The {@link CachedThresholdStore} options a `thresholds` configuration sets (`cacheTtlMs`, `storeTimeoutMs`,
 * `refreshWaitMs`, `retryAfterFailureMs`, `maxRetryAfterFailureMs`, `healthCheckIntervalMs`); absent fields keep the
 * cache's defaults.
 *
 * @example
 * ```ts
 * new CachedThresholdStore(myStore, cacheOptions(config.thresholds));
 * ```
 */
export function cacheOptions(config: Partial<Omit<StoreConfig, 'store'>>): CachedStoreOptions {
  return {
    ...(config.cacheTtlMs !== undefined ? { ttlMs: config.cacheTtlMs } : {}),
    ...(config.storeTimeoutMs !== undefined ? { timeoutMs: config.storeTimeoutMs } : {}),
    ...(config.refreshWaitMs !== undefined ? { refreshWaitMs: config.refreshWaitMs } : {}),
    ...(config.retryAfterFailureMs !== undefined ? { retryAfterFailureMs: config.retryAfterFailureMs } : {}),
    ...(config.maxRetryAfterFailureMs !== undefined ? { maxRetryAfterFailureMs: config.maxRetryAfterFailureMs } : {}),
    ...(config.healthCheckIntervalMs !== undefined ? { healthCheckIntervalMs: config.healthCheckIntervalMs } : {}),
  };
}
