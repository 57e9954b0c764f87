import { PluginRegistry } from '@mangaassist/common';
import { fbetaSweepStrategy } from './strategies/fbeta-sweep';
import { fixedStrategy } from './strategies/fixed';
import { precisionAtRecallStrategy } from './strategies/precision-at-recall';
import type { ThresholdStrategy, ThresholdStrategyDeps } from './threshold-strategy';

/** A registry of threshold strategies. */
export type ThresholdStrategyRegistry = PluginRegistry<ThresholdStrategyDeps, ThresholdStrategy>;

/**
 * A fresh registry holding the built-in strategies, one per file in `strategies/` (a meta-test keeps the two in
 * sync); third-party strategies can be registered on it.
 *
 * @example
 * ```ts
 * const strategies = createThresholdStrategyRegistry();
 * const strategy = strategies.create('precision-at-recall', { minRecall: 0.9 }, { labels });
 * ```
 */
export function createThresholdStrategyRegistry(): ThresholdStrategyRegistry {
  return new PluginRegistry<ThresholdStrategyDeps, ThresholdStrategy>('threshold strategy')
    .register(fixedStrategy)
    .register(fbetaSweepStrategy)
    .register(precisionAtRecallStrategy);
}
