import { createThresholdStoreRegistry, type ThresholdStoreRegistry } from './store-registry';
import { createThresholdStrategyRegistry, type ThresholdStrategyRegistry } from './strategy-registry';

/**
 * The two threshold plugin families (`thresholds.strategy`, `thresholds.store`), keyed as a plugin package's
 * manifest names them, so that `registerPluginPackages` can register a package's strategies and stores on them.
 */
export interface ThresholdPlugins {
  readonly thresholdStrategies: ThresholdStrategyRegistry;
  readonly thresholdStores: ThresholdStoreRegistry;
}

/**
 * Fresh registries holding the built-in threshold strategies and stores.
 *
 * @example
 * ```ts
 * const plugins = createThresholdPlugins();
 * registerPluginPackages(config.plugins ?? [], plugins, { configFile: 'server.yaml' });
 * const store = openThresholdStore(config.thresholds, { registry: plugins.thresholdStores });
 * ```
 */
export function createThresholdPlugins(): ThresholdPlugins {
  return { thresholdStrategies: createThresholdStrategyRegistry(), thresholdStores: createThresholdStoreRegistry() };
}
