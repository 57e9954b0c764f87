import { CachedThresholdStore } from './cached-store';
import { createThresholdStoreRegistry, type StoreSelection, type ThresholdStoreRegistry } from './store-registry';
import type { ThresholdStoreDeps } from './store-support';

/** Where to open a store from: the `thresholds` section of a config satisfies it. */
export interface StoreConfig {
  readonly store: StoreSelection;
  /** TTL of the read cache (ms); default 10 000. */
  readonly cacheTtlMs?: number;
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
    ...(config.cacheTtlMs !== undefined ? { ttlMs: config.cacheTtlMs } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
}
